/**
 * Pure checks of an API Gateway mutual-TLS truststore (a PEM bundle of CA certificates), shared by
 * the config validator (key `platform:apiMtlsTruststoreFile`, before any resource exists) and by
 * SecureApi's own argument validation.
 *
 * Source: API Gateway developer guide, "Configuring your truststore" (rest-api-mutual-tls): the
 * truststore holds the complete chain of trust from the issuing CA up to the root, and
 * "certificates can have a maximum chain length of four". The truststore object is limited to 1 MB.
 */
import { X509Certificate } from "crypto";

/** Longest issuer -> subject chain API Gateway accepts inside a truststore. */
export const MAX_TRUSTSTORE_CHAIN_LENGTH = 4;
/** Largest truststore object API Gateway reads (bytes). */
export const MAX_TRUSTSTORE_BYTES = 1_048_576;

const ONLY_CERTIFICATES = /^(\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----)+\s*$/;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Short human name of a certificate: its CN (or the whole subject), for error messages. */
function nameOf(cert: X509Certificate): string {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    return cn ?? cert.subject.replace(/\n/g, ", ");
}

/**
 * The longest chain (leaf-most first) that ends at certificate `index`, following each
 * certificate to an issuer in the same bundle that really signed it. A self-signed certificate is
 * a chain of one. Cycles (cross-signed pairs) are cut, so the result is always finite.
 */
function longestChain(certs: readonly X509Certificate[], index: number, visiting: Set<number>, memo: Map<number, number[]>): number[] {
    const known = memo.get(index);
    if (known !== undefined) {
        return known;
    }
    visiting.add(index);
    let best: number[] = [index];
    certs.forEach((issuer, j) => {
        if (j === index || visiting.has(j)) {
            return;
        }
        const cert = certs[index];
        if (cert.checkIssued(issuer) && cert.verify(issuer.publicKey)) {
            const above = longestChain(certs, j, visiting, memo);
            if (above.length + 1 > best.length) {
                best = [index, ...above];
            }
        }
    });
    visiting.delete(index);
    memo.set(index, best);
    return best;
}

/**
 * Every problem with a PEM truststore, or an empty list: too large, anything but CERTIFICATE
 * blocks (a private key must never be uploaded), a block that is not an X.509 certificate, or a
 * chain longer than API Gateway accepts.
 */
export function truststoreProblems(pem: string): string[] {
    const problems: string[] = [];
    if (Buffer.byteLength(pem, "utf8") > MAX_TRUSTSTORE_BYTES) {
        problems.push("is larger than API Gateway's 1 MB truststore limit");
    }
    if (!ONLY_CERTIFICATES.test(pem)) {
        problems.push("must contain only PEM certificates (-----BEGIN CERTIFICATE----- blocks): no private keys, no other PEM types, no text between blocks");
        return problems;
    }
    const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
    const certs: X509Certificate[] = [];
    blocks.forEach((block, i) => {
        try {
            certs.push(new X509Certificate(block));
        } catch {
            problems.push(`certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`);
        }
    });
    if (certs.length !== blocks.length) {
        return problems;
    }
    const memo = new Map<number, number[]>();
    const chains = certs.map((_, i) => longestChain(certs, i, new Set<number>(), memo));
    const longest = chains.reduce((a, b) => (b.length > a.length ? b : a), [] as number[]);
    if (longest.length > MAX_TRUSTSTORE_CHAIN_LENGTH) {
        problems.push(
            `holds a certificate chain of ${longest.length} certificates (${longest.map((i) => nameOf(certs[i])).join(" <- ")}); ` +
                `API Gateway accepts a chain of at most ${MAX_TRUSTSTORE_CHAIN_LENGTH}`,
        );
    }
    return problems;
}
