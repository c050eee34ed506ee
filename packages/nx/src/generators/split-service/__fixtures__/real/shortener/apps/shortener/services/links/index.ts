// The links service's surface inside the service: endpoints by module, and the types.
export * as urls from "./urls"
export * as visits from "./visits"
export * from "./types"
