/**
 * Cognito rules shared by the config validator and SecureApi.
 *
 * Prefix domain (`https://<prefix>.auth.<region>.amazoncognito.com`): CreateUserPoolDomain takes
 * 1-63 characters matching ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$ (Cognito API reference), and the
 * Cognito developer guide adds: "You can't use the text aws, amazon, or cognito in the domain
 * prefix. Your domain prefix must be unique within the current Region" (across all customers).
 */

/** Lowercase letters, digits and hyphens, 1-63, no leading or trailing hyphen. */
export const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses anywhere in a prefix domain. */
export const COGNITO_RESERVED_WORDS = ["aws", "amazon", "cognito"] as const;
/** What a valid prefix looks like, for error messages. */
export const COGNITO_DOMAIN_PREFIX_RULE =
    "must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen, and must not contain aws, amazon or cognito (Cognito domain prefix)";

/** True when `prefix` is a prefix Cognito accepts (uniqueness in the Region can only be checked by AWS). */
export function isCognitoDomainPrefix(prefix: string): boolean {
    return COGNITO_DOMAIN_PREFIX.test(prefix) && !COGNITO_RESERVED_WORDS.some((word) => prefix.includes(word));
}

/** Length of an AWS account id, the suffix of the platform's default prefix. */
export const ACCOUNT_ID_LENGTH = 12;

/**
 * The static part of the default prefix `<project>-<environment>-<account id>`: the account id
 * makes it unique across AWS customers, project and environment across this account's stacks.
 */
export function defaultCognitoDomainPrefixStem(project: string, environment: string): string {
    return `${project}-${environment}-`;
}

/** True when the default prefix built on `stem` is valid for any 12-digit account id. */
export function isValidDefaultCognitoDomainPrefixStem(stem: string): boolean {
    return isCognitoDomainPrefix(`${stem}${"0".repeat(ACCOUNT_ID_LENGTH)}`);
}
