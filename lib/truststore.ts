/**
 * Pure checks of an API Gateway mutual-TLS truststore (a PEM bundle of CA certificates), shared by
 * the config validator (key `platform:apiMtlsTruststoreFile`, before any resource exists) and by
 * SecureApi's own argument validation.
 *
 * Source: API Gateway developer guide, "Configuring your truststore" (rest-api-mutual-tls): the
 * truststore holds the complete chain of trust from the issuing CA up to the root, and
 * "certificates can have a maximum chain length of four". The truststore object is limited to 1 MB.
 * The same page lists what API Gateway supports: "SHA-256 or stronger, RSA-2048 or stronger,
 * ECDSA-256 or stronger", and validates that each certificate's "validity period must be current".
 * API Gateway only warns about such certificates (mTLS is still enabled), and clients whose
 * certificates chain to them are refused with 403 at request time; here they are errors, so the
 * deploy never produces a domain whose truststore silently locks partners out.
 */
import { X509Certificate } from "crypto";

/** Longest issuer -> subject chain API Gateway accepts inside a truststore. */
export const MAX_TRUSTSTORE_CHAIN_LENGTH = 4;
/** Largest truststore object API Gateway reads (bytes). */
export const MAX_TRUSTSTORE_BYTES = 1_048_576;

const ONLY_CERTIFICATES = /^(\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----)+\s*$/;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Smallest RSA modulus API Gateway accepts in a truststore certificate (bits). */
export const MIN_TRUSTSTORE_RSA_BITS = 2048;
/** Elliptic curves of ECDSA-256 or stronger, by the names Node.js reports (OpenSSL's). */
const ALLOWED_CURVES: ReadonlyMap<string, string> = new Map([
    ["prime256v1", "P-256"],
    ["secp384r1", "P-384"],
    ["secp521r1", "P-521"],
]);

/** Hash algorithms by OID: the ones of SHA-256 strength or more are `strong`. */
const HASHES: ReadonlyMap<string, { readonly name: string; readonly strong: boolean }> = new Map([
    ["1.2.840.113549.2.5", { name: "MD5", strong: false }],
    ["1.3.14.3.2.26", { name: "SHA-1", strong: false }],
    ["2.16.840.1.101.3.4.2.4", { name: "SHA-224", strong: false }],
    ["2.16.840.1.101.3.4.2.1", { name: "SHA-256", strong: true }],
    ["2.16.840.1.101.3.4.2.2", { name: "SHA-384", strong: true }],
    ["2.16.840.1.101.3.4.2.3", { name: "SHA-512", strong: true }],
]);

/** Signature algorithms by OID (RFC 3279, 4055, 5758), with the hash each one signs with. */
const SIGNATURES: ReadonlyMap<string, { readonly name: string; readonly hash: string }> = new Map([
    ["1.2.840.113549.1.1.4", { name: "md5WithRSAEncryption", hash: "1.2.840.113549.2.5" }],
    ["1.2.840.113549.1.1.5", { name: "sha1WithRSAEncryption", hash: "1.3.14.3.2.26" }],
    ["1.2.840.113549.1.1.14", { name: "sha224WithRSAEncryption", hash: "2.16.840.1.101.3.4.2.4" }],
    ["1.2.840.113549.1.1.11", { name: "sha256WithRSAEncryption", hash: "2.16.840.1.101.3.4.2.1" }],
    ["1.2.840.113549.1.1.12", { name: "sha384WithRSAEncryption", hash: "2.16.840.1.101.3.4.2.2" }],
    ["1.2.840.113549.1.1.13", { name: "sha512WithRSAEncryption", hash: "2.16.840.1.101.3.4.2.3" }],
    ["1.2.840.10045.4.1", { name: "ecdsa-with-SHA1", hash: "1.3.14.3.2.26" }],
    ["1.2.840.10045.4.3.1", { name: "ecdsa-with-SHA224", hash: "2.16.840.1.101.3.4.2.4" }],
    ["1.2.840.10045.4.3.2", { name: "ecdsa-with-SHA256", hash: "2.16.840.1.101.3.4.2.1" }],
    ["1.2.840.10045.4.3.3", { name: "ecdsa-with-SHA384", hash: "2.16.840.1.101.3.4.2.2" }],
    ["1.2.840.10045.4.3.4", { name: "ecdsa-with-SHA512", hash: "2.16.840.1.101.3.4.2.3" }],
    // EdDSA signs without a separate hash; API Gateway lists RSA and ECDSA only.
    ["1.3.101.112", { name: "Ed25519", hash: "" }],
    ["1.3.101.113", { name: "Ed448", hash: "" }],
]);
const RSASSA_PSS = "1.2.840.113549.1.1.10";
/** RSASSA-PSS parameters without a hashAlgorithm mean SHA-1 (RFC 4055, section 3.1). */
const PSS_DEFAULT_HASH = "1.3.14.3.2.26";

interface Tlv {
    readonly tag: number;
    /** Offset of the first content byte. */
    readonly start: number;
    /** Offset just past the last content byte. */
    readonly end: number;
}

/**
 * One DER tag-length-value at `offset`. Node.js 20's X509Certificate does not expose the
 * signature algorithm, and no DER/ASN.1 package is a dependency here; a certificate's outer
 * structure needs only definite-length TLVs, which is all DER allows, so this reader is enough.
 */
function readTlv(der: Buffer, offset: number, limit: number): Tlv {
    if (offset + 2 > limit) {
        throw new Error("truncated DER");
    }
    const tag = der[offset];
    let length = der[offset + 1];
    let start = offset + 2;
    if (length & 0x80) {
        const octets = length & 0x7f;
        if (octets === 0 || octets > 4 || start + octets > limit) {
            throw new Error("unsupported DER length");
        }
        length = 0;
        for (let i = 0; i < octets; i++) {
            length = length * 256 + der[start + i];
        }
        start += octets;
    }
    if (start + length > limit) {
        throw new Error("truncated DER");
    }
    return { tag, start, end: start + length };
}

/** The TLVs directly inside a constructed TLV. */
function children(der: Buffer, parent: Tlv): Tlv[] {
    const out: Tlv[] = [];
    for (let offset = parent.start; offset < parent.end;) {
        const child = readTlv(der, offset, parent.end);
        out.push(child);
        offset = child.end;
    }
    return out;
}

/** Dotted form of a DER OBJECT IDENTIFIER's content. */
function oidOf(der: Buffer, tlv: Tlv): string {
    if (tlv.tag !== 0x06 || tlv.end === tlv.start) {
        throw new Error("expected an OBJECT IDENTIFIER");
    }
    const first = der[tlv.start];
    const arcs = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
    let value = 0;
    for (let i = tlv.start + 1; i < tlv.end; i++) {
        value = value * 128 + (der[i] & 0x7f);
        if (!(der[i] & 0x80)) {
            arcs.push(value);
            value = 0;
        }
    }
    return arcs.join(".");
}

/**
 * The certificate's signature algorithm (Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }, RFC 5280 4.1): its name and the hash it signs with, or
 * undefined for an algorithm this module does not know.
 */
export function signatureAlgorithmOf(der: Buffer): { readonly name: string; readonly hash: { readonly name: string; readonly strong: boolean } | undefined } {
    const [, algorithm] = children(der, readTlv(der, 0, der.length));
    const [oid, params] = children(der, algorithm);
    const dotted = oidOf(der, oid);
    if (dotted === RSASSA_PSS) {
        // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ... }
        const explicit = params !== undefined && params.tag === 0x30 ? children(der, params).find((c) => c.tag === 0xa0) : undefined;
        const hashOid = explicit === undefined ? PSS_DEFAULT_HASH : oidOf(der, children(der, children(der, explicit)[0])[0]);
        const hash = HASHES.get(hashOid);
        return { name: `RSASSA-PSS with ${hash?.name ?? hashOid}`, hash };
    }
    const known = SIGNATURES.get(dotted);
    return known === undefined ? { name: dotted, hash: undefined } : { name: known.name, hash: HASHES.get(known.hash) };
}

/** Why API Gateway would not accept this certificate's key or signature, if it would not. */
function algorithmProblems(cert: X509Certificate): string[] {
    const problems: string[] = [];
    const key = cert.publicKey;
    const details = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") {
        const bits = details.modulusLength ?? 0;
        if (bits < MIN_TRUSTSTORE_RSA_BITS) {
            problems.push(`has a ${bits}-bit RSA key; API Gateway accepts RSA-${MIN_TRUSTSTORE_RSA_BITS} or stronger`);
        }
    } else if (key.asymmetricKeyType === "ec") {
        const curve = details.namedCurve ?? "unknown";
        if (!ALLOWED_CURVES.has(curve)) {
            problems.push(`has an ECDSA key on curve ${curve}; API Gateway accepts ECDSA-256 or stronger (P-256, P-384, P-521)`);
        }
    } else {
        problems.push(
            `has a key of type ${key.asymmetricKeyType ?? "unknown"}; API Gateway accepts RSA (${MIN_TRUSTSTORE_RSA_BITS} bits or more) or ECDSA (P-256 or stronger) keys`,
        );
    }
    let signature: ReturnType<typeof signatureAlgorithmOf> | undefined;
    try {
        signature = signatureAlgorithmOf(cert.raw);
    } catch {
        signature = undefined;
    }
    if (signature === undefined) {
        problems.push("has a signature algorithm that cannot be read");
    } else if (signature.hash === undefined) {
        problems.push(`is signed with ${signature.name}; API Gateway accepts RSA or ECDSA signatures with SHA-256 or stronger`);
    } else if (!signature.hash.strong) {
        problems.push(`is signed with ${signature.name} (${signature.hash.name}); API Gateway accepts SHA-256 or stronger`);
    }
    return problems;
}

/** Why the certificate's validity period is not current at `now`, if it is not. */
function validityProblem(cert: X509Certificate, now: Date): string | undefined {
    if (new Date(cert.validTo).getTime() < now.getTime()) {
        return `expired on ${new Date(cert.validTo).toISOString()}; API Gateway requires a current validity period`;
    }
    if (new Date(cert.validFrom).getTime() > now.getTime()) {
        return `is not valid until ${new Date(cert.validFrom).toISOString()}; API Gateway requires a current validity period`;
    }
    return undefined;
}

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

/** One thing API Gateway would not accept in a truststore, and how to fix it. */
export interface TruststoreProblem {
    readonly problem: string;
    readonly fix: string;
}

const PEM_ONLY_FIX = "export the trusted CA certificates only, in PEM";

/**
 * Every problem with a PEM truststore, or an empty list: too large, anything but CERTIFICATE
 * blocks (a private key must never be uploaded), a block that is not an X.509 certificate, a key
 * or signature algorithm API Gateway does not support, a validity period that is not current at
 * `now`, or a chain longer than API Gateway accepts.
 */
export function truststoreProblems(pem: string, now: Date = new Date()): TruststoreProblem[] {
    const problems: TruststoreProblem[] = [];
    if (Buffer.byteLength(pem, "utf8") > MAX_TRUSTSTORE_BYTES) {
        problems.push({ problem: "is larger than API Gateway's 1 MB truststore limit", fix: "keep only the CA certificates your clients' certificates chain to" });
    }
    if (!ONLY_CERTIFICATES.test(pem)) {
        problems.push({
            problem: "must contain only PEM certificates (-----BEGIN CERTIFICATE----- blocks): no private keys, no other PEM types, no text between blocks",
            fix: PEM_ONLY_FIX,
        });
        return problems;
    }
    const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
    const certs: X509Certificate[] = [];
    blocks.forEach((block, i) => {
        try {
            certs.push(new X509Certificate(block));
        } catch {
            problems.push({ problem: `certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`, fix: PEM_ONLY_FIX });
        }
    });
    if (certs.length !== blocks.length) {
        return problems;
    }
    certs.forEach((cert, i) => {
        const which = `certificate ${i + 1} of ${certs.length} (${nameOf(cert)})`;
        for (const problem of algorithmProblems(cert)) {
            problems.push({
                problem: `${which} ${problem}`,
                fix: `replace "${nameOf(cert)}" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature`,
            });
        }
        const validity = validityProblem(cert, now);
        if (validity !== undefined) {
            problems.push({ problem: `${which} ${validity}`, fix: `remove "${nameOf(cert)}" or replace it with its renewed certificate` });
        }
    });
    // The same certificate twice is harmless to API Gateway but "issues" itself, so copies would
    // read as a deeper chain: chains are measured over distinct certificates.
    const distinct = [...new Map(certs.map((c) => [c.fingerprint256, c])).values()];
    const memo = new Map<number, number[]>();
    const chains = distinct.map((_, i) => longestChain(distinct, i, new Set<number>(), memo));
    const longest = chains.reduce((a, b) => (b.length > a.length ? b : a), [] as number[]);
    if (longest.length > MAX_TRUSTSTORE_CHAIN_LENGTH) {
        problems.push({
            problem:
                `holds a certificate chain of ${longest.length} certificates (${longest.map((i) => nameOf(distinct[i])).join(" <- ")}); ` +
                `API Gateway accepts a chain of at most ${MAX_TRUSTSTORE_CHAIN_LENGTH}`,
            fix: `export the trusted CA chain at most ${MAX_TRUSTSTORE_CHAIN_LENGTH} certificates deep, certificates only, in PEM`,
        });
    }
    return problems;
}
