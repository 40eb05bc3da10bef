/**
 * The defaults qrsfix assumes, in one place: the option declarations show them in --help, and the
 * command lines qrsfix suggests leave out a flag only when its value is the default.
 */
export const DEFAULTS = {
  /** The QRS port of a Qlik Sense Enterprise on Windows node. */
  port: 4242,
  /** Folder with client.pem, client_key.pem and root.pem (or client.pfx). */
  certsDir: './certs',
  /** The identity sent in X-Qlik-User: the repository's own service identity. */
  qrsUser: 'INTERNAL\\sa_repository',
  /** Per-request timeout. */
  timeoutMs: 30_000,
  /** The names of Qlik's monitoring-app REST connections. */
  monitorMatch: 'monitor_apps_REST_*',
} as const;
