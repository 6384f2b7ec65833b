/**
 * The DynamoDB task store against a real DynamoDB API: moto's server on 127.0.0.1 (from the venv
 * scripts/install-tools.sh creates). The table is created as terraform/tasks.tf declares it (hash
 * key taskId, TTL on expiresAt). Fails, rather than skips, when moto is not installed.
 */
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateMoto } from '../../scripts/conformance.ts';
import {
  createDynamoTaskStore,
  TASK_TABLE_HASH_KEY,
  TASK_TABLE_TTL_ATTRIBUTE,
} from '../../server/mcp/tasks/dynamo-store.ts';
import { startMoto, type MotoServer } from './support/moto-server.ts';
import { describeTaskStoreContract, sampleTask } from './support/store-contract.ts';

const TABLE = 'stateless-mcp-tasks';
let moto: MotoServer | undefined;
let client: DynamoDBClient | undefined;
let clientConfig: DynamoDBClientConfig;

beforeAll(async () => {
  const { server } = await locateMoto(); // fails with "run bash scripts/install-tools.sh" when absent
  moto = await startMoto(server);
  clientConfig = {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  client = new DynamoDBClient(clientConfig);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: TASK_TABLE_HASH_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TASK_TABLE_HASH_KEY, KeyType: 'HASH' }],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: TABLE,
      TimeToLiveSpecification: { AttributeName: TASK_TABLE_TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

describeTaskStoreContract('DynamoTaskStore (moto)', (now) =>
  createDynamoTaskStore({ tableName: TABLE, client: clientConfig, now }),
);

describe('DynamoTaskStore items', () => {
  it('writes the version and the TTL attribute in epoch seconds next to the record', async () => {
    const store = await createDynamoTaskStore({ tableName: TABLE, client: clientConfig });
    const task = sampleTask({ expiresAt: Date.now() + 3_600_500 });
    await store.create(task);
    expect(await store.update(task.taskId, 1, { ...task, status: 'cancelled', version: 2 })).toBe(true);
    const { Item } = await client!.send(
      new GetItemCommand({ TableName: TABLE, Key: { taskId: { S: task.taskId } }, ConsistentRead: true }),
    );
    expect(Item?.version).toEqual({ N: '2' });
    expect(Item?.[TASK_TABLE_TTL_ATTRIBUTE]).toEqual({ N: String(Math.ceil(task.expiresAt / 1000)) });
    expect(JSON.parse(Item?.record?.S ?? '{}')).toMatchObject({ taskId: task.taskId, status: 'cancelled', version: 2 });
    const ttl = await client!.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: TASK_TABLE_TTL_ATTRIBUTE,
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('deletes an expired item it reads (DynamoDB TTL deletes lazily)', async () => {
    let now = Date.now();
    const store = await createDynamoTaskStore({ tableName: TABLE, client: clientConfig, now: () => now });
    const task = sampleTask({ expiresAt: now + 1_000 });
    await store.create(task);
    now += 1_000;
    expect(await store.get(task.taskId)).toBeUndefined();
    const { Item } = await client!.send(
      new GetItemCommand({ TableName: TABLE, Key: { taskId: { S: task.taskId } }, ConsistentRead: true }),
    );
    expect(Item).toBeUndefined();
  });

  it('reports an unreachable table as an error, not as a missing task', async () => {
    const store = await createDynamoTaskStore({ tableName: 'no-such-table', client: clientConfig });
    await expect(store.get('any')).rejects.toThrow(/ResourceNotFound|not found|non-existent/i);
  });
});
