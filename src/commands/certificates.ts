/**
 * Opens the certificate folder for a command: the passphrases from QRS_KEY_PASSPHRASE /
 * QRS_PFX_PASSPHRASE, or, when the export is encrypted and none is set, asked for (hidden) at a
 * terminal. Without a terminal the error says which variable to set.
 */
import path from 'node:path';
import { loadCertificateFolder, PassphraseNeeded, type CertificateFolder, type Passphrases } from '../qrs/cert-folder.js';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { hasTerminal, promptSecret } from './interaction.js';

export async function openCertificates(config: QrsConnectionConfig, canAsk: boolean = hasTerminal()): Promise<CertificateFolder> {
  const passphrases: Passphrases = { key: config.keyPassphrase, pfx: config.pfxPassphrase };
  // At most one question per file: a key, or a pfx.
  for (;;) {
    try {
      return await loadCertificateFolder(config.certsDir, passphrases, !config.insecure);
    } catch (err) {
      if (!(err instanceof PassphraseNeeded) || !canAsk || passphrases[err.which] !== undefined) throw err;
      passphrases[err.which] = await promptSecret(`Passphrase of ${path.basename(err.file)} (${err.file}):`);
    }
  }
}
