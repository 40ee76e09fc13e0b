import { z } from 'zod';

/**
 * The documented shapes of the gateway dispatches the bot handles, checked before discord.js builds
 * anything from them: MESSAGE_CREATE (https://discord.com/developers/docs/resources/message#message-object)
 * and INTERACTION_CREATE (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object)
 * of the types we answer (commands, autocomplete, components; pings and modal submits only by shape).
 * Objects are loose: Discord adds fields, and discord.js reads more than we check. What is checked is
 * what discord.js and the handlers need to be there, with the types they assume.
 */

const snowflake = z.string().regex(/^\d{1,21}$/);
const int = z.number().int();

const userSchema = z.looseObject({
  id: snowflake,
  username: z.string().max(100),
  discriminator: z.string().max(10).optional(),
  global_name: z.string().max(100).nullish(),
  avatar: z.string().max(200).nullish(),
  bot: z.boolean().optional(),
  system: z.boolean().optional(),
});

const componentSchema = z.looseObject({ type: int });

export const messageSchema = z.looseObject({
  id: snowflake,
  channel_id: snowflake,
  author: userSchema,
  content: z.string().max(20_000),
  timestamp: z.string().max(64),
  edited_timestamp: z.string().max(64).nullable(),
  tts: z.boolean(),
  mention_everyone: z.boolean(),
  mentions: z.array(z.looseObject({ id: snowflake })),
  mention_roles: z.array(snowflake),
  attachments: z.array(z.looseObject({ id: snowflake, filename: z.string() })),
  embeds: z.array(z.looseObject({})),
  pinned: z.boolean(),
  type: int,
  flags: int.optional(),
  webhook_id: snowflake.nullish(),
  guild_id: snowflake.optional(),
  channel_type: int.optional(),
  components: z.array(z.looseObject({ type: int, components: z.array(componentSchema).optional() })).optional(),
});

const memberSchema = z.looseObject({
  user: userSchema,
  // discord.js reads this with BigInt(): anything but digits would throw.
  permissions: z.string().regex(/^\d{1,40}$/),
  roles: z.array(snowflake),
  joined_at: z.string().max(64).nullish(),
  nick: z.string().max(100).nullish(),
});

const optionSchema: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(32),
    type: int,
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(optionSchema).max(25).optional(),
  }),
);

const commandData = z.looseObject({
  id: snowflake,
  name: z.string().min(1).max(32),
  type: int,
  guild_id: snowflake.optional(),
  options: z.array(optionSchema).max(25).optional(),
});

const componentData = z.looseObject({
  custom_id: z.string().min(1).max(100),
  component_type: int,
  values: z.array(z.string().max(100)).max(25).optional(),
});

const modalData = z.looseObject({
  custom_id: z.string().min(1).max(100),
  components: z.array(z.looseObject({ type: int })),
});

const interactionBase = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1000),
  version: int,
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake, type: int }).optional(),
  guild_id: snowflake.optional(),
  user: userSchema.optional(),
  member: memberSchema.optional(),
  app_permissions: z.string().regex(/^\d{1,40}$/).optional(),
  locale: z.string().max(16).optional(),
};

export const interactionSchema = z
  .discriminatedUnion('type', [
    z.looseObject({ ...interactionBase, type: z.literal(1) }),
    z.looseObject({ ...interactionBase, type: z.literal(2), data: commandData }),
    z.looseObject({ ...interactionBase, type: z.literal(3), data: componentData, message: messageSchema }),
    z.looseObject({ ...interactionBase, type: z.literal(4), data: commandData }),
    z.looseObject({ ...interactionBase, type: z.literal(5), data: modalData }),
  ])
  // Someone is always there: `member` in a server, `user` in a DM.
  .refine((i) => (i.guild_id ? i.member !== undefined : i.user !== undefined || i.member !== undefined), { message: 'no user' });

/** Dispatches whose payloads we check; others go to discord.js as they come (we never read them). */
const SCHEMAS: Record<string, z.ZodType<unknown>> = {
  MESSAGE_CREATE: messageSchema,
  INTERACTION_CREATE: interactionSchema,
};

/** Ok, or the first failing field's path and code (never its value: it may be someone's words). */
export function judgeDispatch(t: unknown, d: unknown): { ok: true } | { ok: false; reason: string } {
  const schema = typeof t === 'string' ? SCHEMAS[t] : undefined;
  if (!schema) return { ok: true };
  const checked = schema.safeParse(d);
  if (checked.success) return { ok: true };
  const issue = checked.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join('.') || '(root)'}: ${issue.code}` : 'invalid' };
}
