/**
 * How each kind of step is carried out against QRS. Updates are full-entity PUTs of a fresh GET with
 * only our fields changed; on 409 the entity is read again and our change re-applied, so an edit made
 * meanwhile (in the QMC, say) survives. A POST or DELETE whose answer was lost is settled by reading
 * again, never by sending it twice.
 */
import { parseAccount, sameAccount, accountFromUsername } from '../account.js';
import type { QrsClient } from '../qrs/client.js';
import {
  allocationPath,
  createAllocation,
  createUser,
  deleteAllocation,
  deleteUser,
  findUser,
  listAllocationsOfUser,
  readAllocation,
  readConnection,
  readUser,
  writeAllocation,
  writeConnection,
  writeUser,
} from '../qrs/endpoints.js';
import { isRealDate } from '../qrs/schemas.js';
import { utcText } from '../util/time-text.js';
import type { Step } from './steps.js';
import { QrsfixError } from '../errors.js';
import { connectionPassword } from './credential.js';
import { connectionAddress, connectionGuard, connectionOwner } from './genuine.js';
import { executeRuleStep } from './license-steps.js';
import { isStatus, isUncertain, updateEntity } from './update-entity.js';

export interface StepOutcome {
  status: 'done' | 'already' | 'skipped';
  detail?: string;
  result?: Record<string, string>;
}

export interface ExecuteOptions {
  password?: string;
  /** How many times a 409 is answered by re-reading and re-applying. */
  maxConflictRetries?: number;
}

function needPassword(password: string | undefined): string {
  if (password === undefined) throw new QrsfixError('usage', 'this change sets a data connection password, but none was given', 'use --password-stdin or QRSFIX_PASSWORD, or run on a terminal to be asked');
  return password;
}

/** The modifiedDate a write left, for the journal: a rollback compares it with what QRS says then. */
function left(modifiedDate: string | undefined): Pick<StepOutcome, 'result'> {
  return modifiedDate ? { result: { modifiedDate } } : {};
}

function conflictNote(conflicts: number): string {
  return conflicts ? ` (re-applied after ${conflicts} concurrent edit${conflicts === 1 ? '' : 's'}, which were kept)` : '';
}

export async function executeStep(client: QrsClient, step: Step, opts: ExecuteOptions): Promise<StepOutcome> {
  const retries = opts.maxConflictRetries ?? 3;
  switch (step.kind) {
    case 'exclude-from-license-rule':
    case 'restore-license-rule':
      return executeRuleStep(client, step, retries);
    case 'repoint-connection':
    case 'restore-connection': {
      const target = step.kind === 'repoint-connection' ? step.usernameAfter : step.usernameBefore;
      const password = step.kind === 'repoint-connection' || step.setsPassword ? needPassword(opts.password) : '';
      let skippedBecause: string | undefined;
      const { changed, conflicts, modifiedDate } = await updateEntity(
        () => readConnection(client, step.connectionId),
        (c) => {
          // Re-aimed since it was judged (this is the fresh read after a 409 too): the password would go elsewhere.
          if (step.guard !== undefined && connectionGuard(c) !== step.guard) {
            throw new QrsfixError(
              'refused',
              `its type, owner or connection string changed since it was checked (now owner ${connectionOwner(c)}, calls ${connectionAddress(c)}): no username or password written to it`,
              'someone is editing the monitor connections: see who in the QMC, then audit again before any change',
            );
          }
          if (step.kind === 'restore-connection') {
            const now = accountFromUsername(c.username);
            const expected = accountFromUsername(step.usernameNow);
            if (!now || !expected || !sameAccount(now, expected)) {
              skippedBecause = `it now runs as ${c.username || '(nobody)'}, not ${step.usernameNow}: changed since, left alone`;
              return 'unchanged';
            }
          }
          return { ...c, username: target, password: password === '' ? '' : connectionPassword(c, password) };
        },
        (c) => writeConnection(client, c),
        retries,
      );
      if (skippedBecause) return { status: 'skipped', detail: skippedBecause };
      return { status: changed ? 'done' : 'already', detail: `runs as ${target || '(nobody)'}${conflictNote(conflicts)}`, ...left(modifiedDate) };
    }
    case 'create-user': {
      const account = parseAccount(step.account);
      try {
        const created = await createUser(client, account, step.name, ['RootAdmin']);
        return { status: 'done', detail: `created with id ${created.id}`, result: { userGuid: created.id, modifiedDate: created.modifiedDate } };
      } catch (err) {
        if (!isUncertain(err) && !isStatus(err, 400)) throw err;
        const existing = await findUser(client, account);
        if (!existing) throw err;
        // A lost answer to our POST, or created meanwhile by someone else: say which we cannot know.
        return isUncertain(err)
          ? { status: 'done', detail: `created with id ${existing.id} (confirmed by reading back)`, result: { userGuid: existing.id, modifiedDate: existing.modifiedDate } }
          : { status: 'already', detail: `exists already with id ${existing.id}; roles ${existing.roles.join(', ') || '(none)'}` };
      }
    }
    case 'add-root-admin':
    case 'remove-root-admin': {
      const adding = step.kind === 'add-root-admin';
      const { changed, conflicts, modifiedDate } = await updateEntity(
        () => readUser(client, step.userGuid),
        (u) => {
          const has = u.roles.some((r) => r.toLowerCase() === 'rootadmin');
          if (has === adding) return 'unchanged';
          return { ...u, roles: adding ? [...u.roles, 'RootAdmin'] : u.roles.filter((r) => r.toLowerCase() !== 'rootadmin') };
        },
        (u) => writeUser(client, u),
        retries,
      );
      return { status: changed ? 'done' : 'already', detail: `${adding ? 'is' : 'is no longer'} RootAdmin${conflictNote(conflicts)}`, ...left(modifiedDate) };
    }
    case 'delete-user': {
      try {
        await deleteUser(client, step.userGuid);
        return { status: 'done' };
      } catch (err) {
        if (isStatus(err, 404)) return { status: 'already', detail: 'no longer exists' };
        if (!isUncertain(err)) throw err;
        try {
          await readUser(client, step.userGuid);
        } catch (again) {
          if (isStatus(again, 404)) return { status: 'done', detail: 'deleted (confirmed by reading back)' };
          throw again;
        }
        throw err;
      }
    }
    case 'remove-allocation': {
      const path = allocationPath(step.allocationKind, step.allocationId);
      try {
        await deleteAllocation(client, step.allocationKind, step.allocationId);
      } catch (err) {
        if (isStatus(err, 404)) return { status: 'already', detail: 'no longer allocated' };
        if (!isUncertain(err)) throw err;
        // fall through: the read below tells whether the DELETE landed
      }
      try {
        const after = await readAllocation(client, step.allocationKind, step.allocationId);
        if (!after.quarantined) throw new QrsfixError('http', `QRS still shows ${path} as allocated after the DELETE`, 'run the command again');
        const until = isRealDate(after.quarantineEnd) ? utcText(after.quarantineEnd) : 'about 7 days after its last use';
        return {
          status: 'done',
          detail: `quarantined until ${until}: used within the last 7 days, so its tokens return only then; it can be reinstated to ${step.account} until then (qrsfix rollback)`,
          result: { quarantinedUntil: until, modifiedDate: after.modifiedDate },
        };
      } catch (err) {
        if (isStatus(err, 404)) return { status: 'done', detail: 'removed; its tokens are free again' };
        throw err;
      }
    }
    case 'reinstate-allocation': {
      const { changed, conflicts } = await updateEntity(
        () => readAllocation(client, step.allocationKind, step.allocationId),
        (a) => (a.quarantined ? { ...a, quarantined: false } : 'unchanged'),
        (a) => writeAllocation(client, step.allocationKind, a),
        retries,
      );
      return { status: changed ? 'done' : 'already', detail: `reinstated to ${step.account}${conflictNote(conflicts)}` };
    }
    case 'allocate': {
      const find = async () => (await listAllocationsOfUser(client, step.allocationKind, step.userGuid))[0];
      try {
        const made = await createAllocation(client, step.allocationKind, step.userGuid);
        return { status: 'done', detail: `allocated anew (${made.id})`, result: { allocationId: made.id } };
      } catch (err) {
        if (!isUncertain(err)) throw err;
        const made = await find();
        if (!made) throw err;
        return { status: 'done', detail: `allocated anew (${made.id}, confirmed by reading back)`, result: { allocationId: made.id } };
      }
    }
  }
}
