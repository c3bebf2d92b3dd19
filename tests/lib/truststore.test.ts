import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { X509Certificate } from "crypto";
import { MAX_TRUSTSTORE_BYTES, signatureAlgorithmOf, truststoreProblems } from "../../lib/truststore";

/**
 * Fixtures: self-signed CA certificates made once with `openssl req -x509 -days 36500` (no keys
 * kept), one per algorithm API Gateway does or does not accept; see tests/fixtures/truststores.
 */
const DIR = path.join(__dirname, "..", "fixtures", "truststores");
const pem = (file: string): string => fs.readFileSync(path.join(DIR, file), "utf8");
const PARTNER_CA = fs.readFileSync(path.join(__dirname, "..", "..", "certs", "truststore.pem"), "utf8");
/** A moment inside every fixture's validity period, so these tests do not depend on the clock. */
const NOW = new Date("2030-01-01T00:00:00Z");
const problemsOf = (text: string, now: Date = NOW): string[] => truststoreProblems(text, now).map((p) => `${p.problem}. Fix: ${p.fix}`);

describe("mTLS truststore checks (lib/truststore)", () => {
    it("accepts RSA-2048 with SHA-256, ECDSA P-256 and P-384, and RSA-PSS with SHA-256", () => {
        for (const file of ["chain-4.pem", "ec-p384.pem", "rsa-pss.pem"]) {
            assert.deepStrictEqual(problemsOf(pem(file)), [], file);
        }
        assert.deepStrictEqual(problemsOf(PARTNER_CA), []);
    });

    it("reads the signature algorithm from the certificate's DER, including RSA-PSS parameters and their SHA-1 default", () => {
        const algorithmOf = (file: string) => signatureAlgorithmOf(new X509Certificate(pem(file)).raw);
        assert.deepStrictEqual(algorithmOf("ec-p384.pem"), { name: "ecdsa-with-SHA384", hash: { name: "SHA-384", strong: true } });
        assert.deepStrictEqual(algorithmOf("sha1-signed.pem"), { name: "sha1WithRSAEncryption", hash: { name: "SHA-1", strong: false } });
        assert.deepStrictEqual(algorithmOf("rsa-pss.pem"), { name: "RSASSA-PSS with SHA-256", hash: { name: "SHA-256", strong: true } });
        assert.deepStrictEqual(algorithmOf("rsa-pss-sha1.pem"), { name: "RSASSA-PSS with SHA-1", hash: { name: "SHA-1", strong: false } });
        assert.deepStrictEqual(algorithmOf("ed25519.pem"), { name: "Ed25519", hash: undefined });
        assert.deepStrictEqual(signatureAlgorithmOf(new X509Certificate(PARTNER_CA).raw), {
            name: "sha256WithRSAEncryption",
            hash: { name: "SHA-256", strong: true },
        });
    });

    it("rejects an RSA key under 2048 bits", () => {
        assert.deepStrictEqual(problemsOf(pem("rsa-1024.pem")), [
            'certificate 1 of 1 (Weak RSA-1024 CA) has a 1024-bit RSA key; API Gateway accepts RSA-2048 or stronger. Fix: replace "Weak RSA-1024 CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
        ]);
    });

    it("rejects signatures hashed with SHA-1, whether PKCS#1 or RSA-PSS", () => {
        assert.deepStrictEqual(problemsOf(pem("sha1-signed.pem")), [
            'certificate 1 of 1 (SHA-1 Signed CA) is signed with sha1WithRSAEncryption (SHA-1); API Gateway accepts SHA-256 or stronger. Fix: replace "SHA-1 Signed CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
        ]);
        assert.deepStrictEqual(problemsOf(pem("rsa-pss-sha1.pem")), [
            'certificate 1 of 1 (RSA-PSS SHA-1 CA) is signed with RSASSA-PSS with SHA-1 (SHA-1); API Gateway accepts SHA-256 or stronger. Fix: replace "RSA-PSS SHA-1 CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
        ]);
    });

    it("rejects key types API Gateway does not list (Ed25519), naming both the key and the signature", () => {
        assert.deepStrictEqual(problemsOf(pem("ed25519.pem")), [
            'certificate 1 of 1 (Ed25519 CA) has a key of type ed25519; API Gateway accepts RSA (2048 bits or more) or ECDSA (P-256 or stronger) keys. Fix: replace "Ed25519 CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
            'certificate 1 of 1 (Ed25519 CA) is signed with Ed25519; API Gateway accepts RSA or ECDSA signatures with SHA-256 or stronger. Fix: replace "Ed25519 CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
        ]);
    });

    it("rejects a certificate outside its validity period, expired or not yet valid", () => {
        assert.deepStrictEqual(problemsOf(PARTNER_CA, new Date("2037-01-01T00:00:00Z")), [
            'certificate 1 of 1 (Platform Test Partner CA) expired on 2036-11-22T05:29:42.000Z; API Gateway requires a current validity period. Fix: remove "Platform Test Partner CA" or replace it with its renewed certificate',
        ]);
        assert.deepStrictEqual(problemsOf(PARTNER_CA, new Date("2026-01-01T00:00:00Z")), [
            'certificate 1 of 1 (Platform Test Partner CA) is not valid until 2026-11-25T05:29:42.000Z; API Gateway requires a current validity period. Fix: remove "Platform Test Partner CA" or replace it with its renewed certificate',
        ]);
    });

    it("numbers each bad certificate within the bundle and reports them all at once", () => {
        const bundle = [pem("chain-4.pem"), pem("rsa-1024.pem"), pem("sha1-signed.pem")].join("");
        assert.deepStrictEqual(
            truststoreProblems(bundle, NOW).map((p) => p.problem),
            [
                "certificate 5 of 6 (Weak RSA-1024 CA) has a 1024-bit RSA key; API Gateway accepts RSA-2048 or stronger",
                "certificate 6 of 6 (SHA-1 Signed CA) is signed with sha1WithRSAEncryption (SHA-1); API Gateway accepts SHA-256 or stronger",
            ],
        );
    });

    it("measures chains over distinct certificates: the same CA five times is a chain of one", () => {
        assert.deepStrictEqual(problemsOf(PARTNER_CA.repeat(5)), []);
    });

    it("rejects a bundle over 1 MB", () => {
        const copies = Math.ceil((MAX_TRUSTSTORE_BYTES + 1) / Buffer.byteLength(PARTNER_CA));
        const big = PARTNER_CA.repeat(copies);
        assert.deepStrictEqual(
            truststoreProblems(big, NOW).map((p) => `${p.problem}. Fix: ${p.fix}`),
            ["is larger than API Gateway's 1 MB truststore limit. Fix: keep only the CA certificates your clients' certificates chain to"],
        );
    });
});
