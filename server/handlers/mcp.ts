/**
 * Lambda entry of the MCP function: API Gateway REST proxy events in, proxy results out, through
 * serverless-http and the express app. Everything here runs once per execution environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import serverless from 'serverless-http';
import { readServerConfig } from '../config.ts';
import type { ProxyEvent, ProxyResult } from '../gateway/proxy-event.ts';
import { createApp } from '../http/app.ts';

const logger = new Logger({ serviceName: 'mcp-server' });
const config = readServerConfig();
const app = createApp(config, {
  onError: (error) => logger.warn('MCP request rejected or failed', { error }),
});
const serve = serverless(app, { binary: false });

export async function handler(event: ProxyEvent, context: Context): Promise<ProxyResult> {
  logger.addContext(context);
  return (await serve(event, context)) as ProxyResult;
}
