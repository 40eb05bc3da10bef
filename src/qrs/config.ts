/** What the QRS client needs to reach a site; built from flags and environment by src/commands/options.ts. */
export interface QrsConnectionConfig {
  host: string;
  port: number;
  /** Folder with client.pem, client_key.pem and root.pem (or client.pfx and root.cer). */
  certsDir: string;
  /** Name the server certificate must carry, when it differs from host. */
  servername?: string;
  insecure: boolean;
  /** Identity sent in X-Qlik-User. */
  user: { directory: string; userId: string };
  /** HTTP CONNECT proxy URL, already resolved against NO_PROXY; undefined = direct. */
  proxy?: string;
  /** The proxy came from HTTPS_PROXY/https_proxy (NO_PROXY can bypass it), not from --proxy. */
  proxyFromEnv?: boolean;
  timeoutMs: number;
  /** The overall time for a command's requests, retries and waits included; default twice timeoutMs. */
  deadlineMs?: number;
  /** Passphrase of client.pfx when the folder holds one instead of PEM files. */
  pfxPassphrase?: string;
  /** Defaults taken from the Qlik node (Host.cfg, its certificate folder), to be said on stderr. */
  defaultsUsed?: string[];
  /** Passphrase of an encrypted client_key.pem (a PEM export with a password). */
  keyPassphrase?: string;
}
