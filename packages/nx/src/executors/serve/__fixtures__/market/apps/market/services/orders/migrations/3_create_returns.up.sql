-- Returns of order lines, and what happened to each. An order is named by its id only:
-- returns are read and written apart from the orders.
CREATE TABLE returns (
  id SERIAL PRIMARY KEY,
  order_id INTEGER NOT NULL,
  sku TEXT NOT NULL,
  reason TEXT NOT NULL
);

CREATE TABLE return_events (
  return_id INTEGER NOT NULL REFERENCES returns (id),
  event TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX return_events_by_return ON return_events (return_id);
