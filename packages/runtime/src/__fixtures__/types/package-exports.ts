// The package's entry points as other packages import them, resolved through node_modules.
import { api, client, APIError, ErrCode, Service, jsonCopy, SQLDatabase, type Endpoint, type JsonSchema, type Transaction } from '@topo/runtime';
import { createHost, runProcess, Credentials, type Host, type ProcessConfig } from '@topo/runtime/host';
import { createGateway, runGateway, type Gateway, type GatewayConfig } from '@topo/runtime/gateway';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@topo/runtime/embedded';
import { testDatabase, type TestDatabase } from '@topo/runtime/testing';
import { copyTables, type CopyReport, type CopyTablesOptions } from '@topo/runtime/copy-tables';

export const used = [api, client, APIError, ErrCode, Service, jsonCopy, SQLDatabase, createHost, runProcess, Credentials, createGateway, runGateway, startEmbeddedDatabase, testDatabase, copyTables];
export type Used = [Endpoint<void, void>, JsonSchema, Host, ProcessConfig, Gateway, GatewayConfig, Transaction, EmbeddedDatabase, TestDatabase, CopyReport, CopyTablesOptions];
