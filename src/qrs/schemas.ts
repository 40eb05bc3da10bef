/**
 * zod schemas of the QRS entities qrsfix reads and writes (shapes from the QRS OpenAPI description).
 * Objects are loose: unknown fields are kept, because a PUT must send the whole entity back or QRS
 * resets what is missing (implicit update).
 */
import { z } from 'zod';

/**
 * A QRS id. Ids from the server go into request paths (`/qrs/user/<id>`): one like `../user/<guid>`
 * would rewrite the request, so anything but a GUID is refused here.
 */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const guid = () => z.string().regex(GUID_PATTERN, 'not a GUID');

/** Strings bounded as the OpenAPI bounds them (or generously where it does not): an answer cannot make qrsfix hold gigabytes in one field. */
const text = (max: number) => z.string().max(max);
const DATE = text(64);

export const aboutSchema = z.looseObject({
  buildVersion: text(100),
  buildDate: text(100).optional(),
  databaseProvider: text(500).optional(),
  nodeType: z.number().optional(),
  singleNodeOnly: z.boolean().optional(),
});
export type About = z.infer<typeof aboutSchema>;

export const userCondensedSchema = z.looseObject({
  id: guid(),
  userId: text(255),
  userDirectory: text(255),
  name: text(511).nullish(),
});
export type UserCondensed = z.infer<typeof userCondensedSchema>;

export const userSchema = userCondensedSchema.extend({
  roles: z.array(text(255)).max(1000).nullish().transform((r) => r ?? []),
  inactive: z.boolean().optional(),
  removedExternally: z.boolean().optional(),
  blacklisted: z.boolean().optional(),
  modifiedDate: DATE,
});
export type User = z.infer<typeof userSchema>;

/** User access pass, professional and analyzer allocations share these fields. */
export const allocationSchema = z.looseObject({
  id: guid(),
  user: userCondensedSchema.nullish(),
  lastUsed: DATE.nullish(),
  quarantined: z.boolean().nullish().transform((q) => q ?? false),
  quarantineEnd: DATE.nullish(),
  deletedUserId: text(255).nullish(),
  deletedUserDirectory: text(255).nullish(),
  modifiedDate: DATE,
});
export type Allocation = z.infer<typeof allocationSchema>;

export const dataConnectionSchema = z.looseObject({
  id: guid(),
  name: text(256),
  connectionstring: text(100_000),
  type: text(500).nullish(),
  username: text(500).nullish(),
  password: text(524_288).nullish(),
  owner: userCondensedSchema.nullish(),
  modifiedDate: DATE,
});
export type DataConnection = z.infer<typeof dataConnectionSchema>;

/** A node of the site (`/qrs/servernodeconfiguration`): its hostName is where the site's proxy runs too. */
export const serverNodeSchema = z.looseObject({
  id: guid(),
  name: text(255).nullish(),
  hostName: text(255),
  isCentral: z.boolean().nullish(),
});
export type ServerNode = z.infer<typeof serverNodeSchema>;

/** Real servers answer `{"value":N}`; the OpenAPI text says a bare integer. Accept both. */
export const countSchema = z
  .union([z.number(), z.looseObject({ value: z.number() })])
  .transform((c) => (typeof c === 'number' ? c : c.value));

/** The three kinds of access allocation a user can hold, with their QRS paths. */
export const ALLOCATION_KINDS = {
  user: { path: '/qrs/license/useraccesstype', label: 'user access pass' },
  professional: { path: '/qrs/license/professionalaccesstype', label: 'professional access' },
  analyzer: { path: '/qrs/license/analyzeraccesstype', label: 'analyzer access' },
} as const;
export type AllocationKind = keyof typeof ALLOCATION_KINDS;
export const allocationKinds = Object.keys(ALLOCATION_KINDS) as AllocationKind[];

/** QRS writes this for "no date" (never used, not quarantined). */
export const QRS_NO_DATE = '1753-01-01T00:00:00.000Z';

export function isRealDate(value: string | null | undefined): value is string {
  return !!value && !value.startsWith('1753-01-01');
}
