// The package's entry points as other packages import them, resolved through node_modules.
import { api, client, APIError, ErrCode, Service, jsonCopy, type Endpoint, type JsonSchema } from '@topo/runtime';
import { createHost, runProcess, Credentials, type Host, type ProcessConfig } from '@topo/runtime/host';
import { createGateway, runGateway, type Gateway, type GatewayConfig } from '@topo/runtime/gateway';

export const used = [api, client, APIError, ErrCode, Service, jsonCopy, createHost, runProcess, Credentials, createGateway, runGateway];
export type Used = [Endpoint<void, void>, JsonSchema, Host, ProcessConfig, Gateway, GatewayConfig];
