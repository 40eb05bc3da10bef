/**
 * `--host` as an admin pastes it: `name`, `name:port`, `[v6]:port`, or a URL `https://name:port/…` (from
 * a browser or the QMC). The port inside it applies unless --port is given; two different ports are an error.
 */
import { usageError } from './errors.js';

export interface HostArg {
  host: string;
  port?: string;
}

function fromUrl(text: string): HostArg {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw usageError(`--host "${text}" is not a host name or a URL like https://qlikserver1.domain.local:4242`);
  }
  if (u.protocol !== 'https:') throw usageError(`--host "${text}": QRS is reached over https, not ${u.protocol.replace(/:$/, '')}`, 'give the name only, or https://name:4242');
  if (u.username || u.password) throw usageError(`--host "${text}" carries a user name or password; give the host only`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), ...(u.port ? { port: u.port } : {}) };
}

export function parseHostArg(text: string): HostArg {
  const t = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return fromUrl(t);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  // More than one colon: an IPv6 address without a port.
  if ((t.match(/:/g) ?? []).length > 1) return { host: t };
  const named = /^([^:/\s]+):(\d+)$/.exec(t);
  if (named) return { host: named[1]!, port: named[2]! };
  if (/[/\s]/.test(t)) throw usageError(`--host "${text}" is not a host name`, 'give the name, name:port or https://name:port');
  return { host: t };
}

/** The host and port from --host and --port; `portGiven` is false when --port holds only its default. */
export function hostAndPort(hostText: string, port: string | undefined): HostArg {
  const parsed = parseHostArg(hostText);
  if (parsed.port !== undefined && port !== undefined && Number(parsed.port) !== Number(port)) {
    throw usageError(`--host "${hostText}" says port ${parsed.port} and --port says ${port}`, 'give the port once');
  }
  return { host: parsed.host, ...((port ?? parsed.port) !== undefined ? { port: port ?? parsed.port } : {}) };
}
