export interface MergeServiceGeneratorSchema {
  /** The service whose code moves; it is removed. */
  from: string;
  /** The service that takes the code in. */
  into: string;
  skipFormat?: boolean;
}
