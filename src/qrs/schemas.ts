/**
 * zod schemas of the QRS entities qrsfix reads and writes (shapes from the QRS OpenAPI description).
 * Objects are loose: unknown fields are kept, because a PUT must send the whole entity back or QRS
 * resets what is missing (implicit update).
 */
import { z } from 'zod';

export const aboutSchema = z.looseObject({
  buildVersion: z.string(),
  buildDate: z.string().optional(),
  databaseProvider: z.string().optional(),
  nodeType: z.number().optional(),
  singleNodeOnly: z.boolean().optional(),
});
export type About = z.infer<typeof aboutSchema>;

export const userCondensedSchema = z.looseObject({
  id: z.string(),
  userId: z.string(),
  userDirectory: z.string(),
  name: z.string().nullish(),
});
export type UserCondensed = z.infer<typeof userCondensedSchema>;

export const userSchema = z.looseObject({
  id: z.string(),
  userId: z.string(),
  userDirectory: z.string(),
  name: z.string().nullish(),
  roles: z.array(z.string()).nullish().transform((r) => r ?? []),
  inactive: z.boolean().optional(),
  removedExternally: z.boolean().optional(),
  blacklisted: z.boolean().optional(),
  modifiedDate: z.string(),
});
export type User = z.infer<typeof userSchema>;

/** User access pass, professional and analyzer allocations share these fields. */
export const allocationSchema = z.looseObject({
  id: z.string(),
  user: userCondensedSchema.nullish(),
  lastUsed: z.string().nullish(),
  quarantined: z.boolean().nullish().transform((q) => q ?? false),
  quarantineEnd: z.string().nullish(),
  deletedUserId: z.string().nullish(),
  deletedUserDirectory: z.string().nullish(),
  modifiedDate: z.string(),
});
export type Allocation = z.infer<typeof allocationSchema>;

export const dataConnectionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  connectionstring: z.string(),
  type: z.string().nullish(),
  username: z.string().nullish(),
  password: z.string().nullish(),
  owner: userCondensedSchema.nullish(),
  modifiedDate: z.string(),
});
export type DataConnection = z.infer<typeof dataConnectionSchema>;

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
