/**
 * A notes server: tools that keep short notes in a DynamoDB table, through the AWS SDK. A second
 * server module for the harness (see docs/your-own-server.md): state lives in DynamoDB, never in
 * the function, so any execution environment answers any call.
 *
 * Settings (Terraform `mcp_environment`): NOTES_TABLE, the table (hash key `id`, a string).
 * Permissions (Terraform `mcp_policy_json`): dynamodb:GetItem, PutItem, DeleteItem on that table.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { defineServer } from '../../server/mcp/define-server.ts';

// `examples` reach the JSON Schema clients see: the smoke client and the load scenarios' "sample"
// arguments use the first one, which a pattern alone would not give them.
const noteId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .describe('Note id: 1-64 letters, digits, "-" or "_".')
  .meta({ examples: ['note-1'] });
const noteText = z
  .string()
  .min(1)
  .max(4000)
  .describe('The note (up to 4000 characters).')
  .meta({ examples: ['Buy milk.'] });

const putInput = z.object({ id: noteId, text: noteText });
const idInput = z.object({ id: noteId });
const noteOutput = z.object({ id: z.string(), text: z.string(), updatedAt: z.string() });

function text(value: string) {
  return [{ type: 'text' as const, text: value }];
}

export default defineServer(({ env }) => {
  const tableName = env.NOTES_TABLE;
  if (!tableName) throw new Error('NOTES_TABLE is not set (Terraform variable mcp_environment)');
  // One client per execution environment; region, credentials and endpoint come from the environment.
  const dynamo = new DynamoDBClient({});
  return {
    name: 'notes',
    version: '1.0.0',
    instructions: 'Keeps short notes by id. put_note writes, get_note reads, delete_note removes.',
    register(server) {
      server.registerTool(
        'put_note',
        {
          description: 'Stores a note under an id (replacing any note with that id).',
          inputSchema: putInput,
          outputSchema: noteOutput,
        },
        async ({ id, text: body }) => {
          const note = { id, text: body, updatedAt: new Date().toISOString() };
          await dynamo.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { id: { S: id }, text: { S: body }, updatedAt: { S: note.updatedAt } },
            }),
          );
          return { content: text(`Stored note ${id}.`), structuredContent: note };
        },
      );
      server.registerTool(
        'get_note',
        { description: 'Reads the note with this id.', inputSchema: idInput, outputSchema: noteOutput.partial() },
        async ({ id }) => {
          const { Item } = await dynamo.send(
            new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
          );
          if (!Item) return { content: text(`No note with id ${id}.`), isError: true };
          const note = { id, text: Item.text?.S ?? '', updatedAt: Item.updatedAt?.S ?? '' };
          return { content: text(note.text), structuredContent: note };
        },
      );
      server.registerTool(
        'delete_note',
        { description: 'Deletes the note with this id.', inputSchema: idInput },
        async ({ id }) => {
          try {
            await dynamo.send(
              new DeleteItemCommand({
                TableName: tableName,
                Key: { id: { S: id } },
                ConditionExpression: 'attribute_exists(id)',
              }),
            );
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException)
              return { content: text(`No note with id ${id}.`), isError: true };
            throw error;
          }
          return { content: text(`Deleted note ${id}.`) };
        },
      );
    },
  };
});
