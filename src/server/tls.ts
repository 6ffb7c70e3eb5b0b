/**
 * A certificate for the HTTP/2 port, made fresh at every start so no private key is ever
 * committed. Two certificates, as a real site has:
 *
 *   "concurrency-lab local CA"  (self-signed, CA:true)      → handed to clients as `ca`
 *        └── signs "localhost" (SAN localhost, 127.0.0.1, ::1, serverAuth) → served with its key
 *
 * Clients trust the CA (undici's `connect: { ca }`), so certificate checks stay on.
 * Both keys live only in the server's memory; the CA's key is dropped after signing.
 *
 * @peculiar/x509 2.x needs a Reflect metadata polyfill loaded before it (its DI container,
 * tsyringe, checks at import). This module is loaded only in the server's own process,
 * never in a notebook kernel, so the global it adds harms nobody.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

/** PEM texts for a TLS server and its clients. */
export interface TlsMaterial {
  /** The CA certificate (PEM) that clients must trust. */
  readonly ca: string;
  /** The server certificate (PEM), signed by the CA. */
  readonly cert: string;
  /** The server's private key (PKCS#8 PEM). Never written to disk. */
  readonly key: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Generate a throw-away CA and a server certificate for `hosts` (DNS names or IP addresses).
 * ECDSA P-256 keeps this to a few milliseconds, unlike RSA.
 */
export async function generateTlsMaterial(hosts: readonly string[] = ["localhost", "127.0.0.1", "::1"]): Promise<TlsMaterial> {
  // Node's WebCrypto, explicitly: the library must not depend on a global that a kernel might shadow.
  const crypto: webcrypto.Crypto = webcrypto;
  x509.cryptoProvider.set(crypto);
  const notBefore = new Date(Date.now() - DAY_MS); // a day back: tolerate clock skew
  const notAfter = new Date(Date.now() + 30 * DAY_MS);

  const caKeys = await crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(crypto),
    name: "CN=concurrency-lab local CA",
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
    ],
  });

  const serverKeys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(crypto),
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((host) => (isIpAddress(host) ? { type: "ip" as const, value: host } : { type: "dns" as const, value: host })),
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
    ],
  });

  const pkcs8 = await crypto.subtle.exportKey("pkcs8", serverKeys.privateKey);
  return {
    ca: caCert.toString("pem"),
    cert: serverCert.toString("pem"),
    key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
  };
}

function randomSerial(crypto: webcrypto.Crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive serial number
  return Buffer.from(bytes).toString("hex");
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}
