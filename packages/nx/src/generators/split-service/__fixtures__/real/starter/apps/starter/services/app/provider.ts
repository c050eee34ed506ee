/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */

/** An invoice the billing provider issued. */
export interface Invoice {
  /** `INV-0001`, `INV-0002`, ... */
  number: string;
  /** The team billed. */
  customer: string;
  /** In cents. */
  amount: number;
  description: string;
}

/**
 * The billing provider's client. Stands in for Stripe's SDK: it keeps the invoices it issues
 * in memory instead of calling out.
 */
class BillingProvider {
  private readonly issued: Invoice[] = [];

  /** Charges a customer now and answers the invoice. */
  charge(customer: string, amount: number, description: string): Invoice {
    const number = `INV-${String(this.issued.length + 1).padStart(4, "0")}`;
    const invoice = { number, customer, amount, description };
    this.issued.push(invoice);
    return invoice;
  }

  invoicesFor(customer: string): Invoice[] {
    return this.issued.filter(invoice => invoice.customer === customer);
  }
}

/** The one client of the service, as `new Stripe(key)` would be. */
export const provider = new BillingProvider();
