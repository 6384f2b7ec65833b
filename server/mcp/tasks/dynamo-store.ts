import type { AttributeValue, DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { TaskExistsError, type Clock, type TaskStore } from './store.ts';
import { isExpired, type TaskRecord } from './types.ts';

type DynamoSdk = typeof import('@aws-sdk/client-dynamodb');

/** The table's hash key and TTL attribute; terraform/tasks.tf declares the same names. */
export const TASK_TABLE_HASH_KEY = 'taskId';
export const TASK_TABLE_TTL_ATTRIBUTE = 'expiresAt';

export interface DynamoTaskStoreOptions {
  readonly tableName: string;
  /**
   * Passed to `new DynamoDBClient()`. Region and credentials come from the Lambda environment;
   * tests point `endpoint` at a local server. The SDK also honours `AWS_ENDPOINT_URL_DYNAMODB`.
   */
  readonly client?: DynamoDBClientConfig;
  readonly now?: Clock;
}

/**
 * Loads the AWS SDK only when a table is configured, so the default cold start never pays for it.
 * The bundle keeps `@aws-sdk/client-dynamodb` external (scripts/build.ts): the Lambda Node.js
 * runtimes ship AWS SDK for JavaScript v3 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
 */
export async function createDynamoTaskStore(options: DynamoTaskStoreOptions): Promise<TaskStore> {
  const sdk: DynamoSdk = await import('@aws-sdk/client-dynamodb');
  return new DynamoTaskStore(
    sdk,
    new sdk.DynamoDBClient(options.client ?? {}),
    options.tableName,
    options.now ?? Date.now,
  );
}

/**
 * Item layout (terraform/tasks.tf): `taskId` (S, hash key), `version` (N, the compare-and-set
 * counter), `expiresAt` (N, epoch seconds, the table's TTL attribute) and `record` (S, the task as
 * JSON). Keeping the record as one JSON string keeps all three backends byte-for-byte the same
 * and needs no marshalling library; an item may hold 400 KB, far above any fixture result.
 */
class DynamoTaskStore implements TaskStore {
  constructor(
    private readonly sdk: DynamoSdk,
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: Clock,
  ) {}

  async create(record: TaskRecord): Promise<void> {
    try {
      await this.client.send(
        new this.sdk.PutItemCommand({
          TableName: this.tableName,
          Item: this.itemOf(record),
          ConditionExpression: 'attribute_not_exists(taskId)',
        }),
      );
    } catch (error) {
      if (error instanceof this.sdk.ConditionalCheckFailedException) throw new TaskExistsError(record.taskId);
      throw error;
    }
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    // Strongly consistent: a task created by one environment must be visible to the next poll,
    // wherever it lands (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
    const { Item } = await this.client.send(
      new this.sdk.GetItemCommand({ TableName: this.tableName, Key: { taskId: { S: taskId } }, ConsistentRead: true }),
    );
    const json = Item?.record?.S;
    if (json === undefined) return undefined;
    const record = JSON.parse(json) as TaskRecord;
    // DynamoDB's TTL deletes expired items in the background, typically within a few days, and
    // reads still return them until then (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
    if (isExpired(record, this.now())) {
      await this.client
        .send(
          new this.sdk.DeleteItemCommand({
            TableName: this.tableName,
            Key: { taskId: { S: taskId } },
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':v': { N: String(record.version) } },
          }),
        )
        .catch(() => undefined);
      return undefined;
    }
    return record;
  }

  async update(taskId: string, expectedVersion: number, next: TaskRecord): Promise<boolean> {
    try {
      await this.client.send(
        new this.sdk.UpdateItemCommand({
          TableName: this.tableName,
          Key: { taskId: { S: taskId } },
          // Names are aliased so no attribute can collide with a DynamoDB reserved word.
          UpdateExpression: 'SET #record = :record, #version = :next, #expiresAt = :expiresAt',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#record': 'record', '#version': 'version', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':record': { S: JSON.stringify(next) },
            ':next': { N: String(next.version) },
            ':expiresAt': { N: String(ttlSeconds(next)) },
            ':expected': { N: String(expectedVersion) },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof this.sdk.ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private itemOf(record: TaskRecord): Record<string, AttributeValue> {
    return {
      taskId: { S: record.taskId },
      version: { N: String(record.version) },
      expiresAt: { N: String(ttlSeconds(record)) },
      record: { S: JSON.stringify(record) },
    };
  }
}

/** DynamoDB TTL wants epoch seconds in a Number attribute. */
function ttlSeconds(record: TaskRecord): number {
  return Math.ceil(record.expiresAt / 1000);
}
