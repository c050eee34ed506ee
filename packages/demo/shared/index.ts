// What the services of this app share: written by `nx g @topo/nx:split-service`.
export * from './hello/hello';
