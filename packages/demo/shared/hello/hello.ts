/** What every greeting answers. */
export interface Response {
  message: string;
}
