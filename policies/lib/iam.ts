/*
 * Reading IAM policy documents as resources carry them: a JSON string (what `JSON.stringify` or
 * `aws.iam.getPolicyDocument` produce) or an object (an `aws.iam.PolicyDocument` literal), whose
 * `Statement` is one statement or an array, whose `Action`/`NotAction` is a string or an array.
 */

/** One statement, as far as the policies need it. */
export interface Statement {
    readonly sid?: string;
    readonly effect: string;
    readonly actions: string[];
    readonly notActions: string[];
    /** Resource patterns (NotResource is not read: it never proves coverage). */
    readonly resources: string[];
    readonly principal: unknown;
    readonly condition: unknown;
}

/** A parsed document, or why it could not be read. */
export type ParsedDocument = { readonly statements: Statement[] } | { readonly error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.filter((v): v is string => typeof v === "string");
    }
    return [];
}

/** Parses a policy document given as a JSON string or an object. */
export function parsePolicyDocument(document: unknown): ParsedDocument {
    let doc: unknown = document;
    if (typeof document === "string") {
        try {
            doc = JSON.parse(document);
        } catch (e) {
            return { error: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
        }
    }
    if (!isRecord(doc)) {
        return { error: "is not a JSON object" };
    }
    const raw = doc["Statement"];
    const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const statements: Statement[] = [];
    for (const s of list) {
        if (!isRecord(s)) {
            return { error: "has a Statement entry that is not an object" };
        }
        const sid = s["Sid"];
        statements.push({
            sid: typeof sid === "string" ? sid : undefined,
            effect: typeof s["Effect"] === "string" ? s["Effect"] : "",
            actions: strings(s["Action"]),
            notActions: strings(s["NotAction"]),
            resources: strings(s["Resource"]),
            principal: s["Principal"],
            condition: s["Condition"],
        });
    }
    return { statements };
}

/** True for "*" and for a whole-service wildcard such as "s3:*" (IAM action names are case-insensitive). */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** A problem of one statement of an identity policy. */
export interface StatementProblem {
    /** `statement "Sid"` or `statement 2` (1-based). */
    readonly statement: string;
    /** Wildcard actions allowed by the statement (empty for a NotAction problem). */
    readonly wildcards: string[];
    /** True when the statement combines Allow with NotAction. */
    readonly notAction: boolean;
}

/**
 * Problems of an identity policy: Allow statements with a wildcard action ("*" or "service:*"), and
 * Allow statements with NotAction (which grant every action except the listed ones).
 */
export function wildcardProblems(statements: readonly Statement[]): StatementProblem[] {
    const problems: StatementProblem[] = [];
    statements.forEach((s, index) => {
        if (s.effect !== "Allow") {
            return;
        }
        const statement = s.sid ? `statement "${s.sid}"` : `statement ${index + 1}`;
        const wildcards = s.actions.filter(isWildcardAction);
        if (wildcards.length > 0) {
            problems.push({ statement, wildcards, notAction: false });
        }
        if (s.notActions.length > 0) {
            problems.push({ statement, wildcards: [], notAction: true });
        }
    });
    return problems;
}

function isEveryone(principal: unknown): boolean {
    if (principal === "*") {
        return true;
    }
    return isRecord(principal) && strings(principal["AWS"]).includes("*");
}

/** True for a statement denying every principal any request made without TLS (aws:SecureTransport false). */
function deniesWithoutTls(s: Statement): boolean {
    if (s.effect !== "Deny" || !isEveryone(s.principal) || !isRecord(s.condition)) {
        return false;
    }
    // Condition operator and key names are matched case-insensitively, as IAM does; BoolIfExists counts.
    return Object.entries(s.condition).some(([operator, block]) => {
        if (!/^bool(ifexists)?$/i.test(operator) || !isRecord(block)) {
            return false;
        }
        return Object.entries(block).some(
            ([key, value]) => key.toLowerCase() === "aws:securetransport" && (value === false || strings(value).some((v) => v.toLowerCase() === "false")),
        );
    });
}

/** True when an IAM resource pattern (wildcards `*` and `?`) matches `arn`. */
export function resourceMatches(pattern: string, arn: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

/** What a TLS-only deny must cover to protect a resource. */
export interface TransportDenyCoverage {
    /** Action patterns of which the deny must list one ("*", "s3:*", ...), compared case-insensitively. */
    readonly actions: readonly string[];
    /** ARNs its Resource patterns must match; ["*"] when the ARN is not known (only "*" matches). */
    readonly resources: readonly string[];
}

/** Whether a document's TLS-only deny protects a resource, or what it lacks. */
export type TransportDenyVerdict =
    | { readonly problem: undefined }
    | { readonly problem: "no-deny" }
    | { readonly problem: "actions"; readonly actions: string[] }
    | { readonly problem: "resources"; readonly missing: string[] };

/**
 * Judges the statements of a resource policy: a statement must deny every principal any request
 * without TLS (`{"Effect": "Deny", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport":
 * "false"}}}`) for one of `coverage.actions` (a Deny of s3:PutObject alone leaves reads open), and
 * such statements together must name every ARN of `coverage.resources`.
 */
export function insecureTransportDenial(statements: readonly Statement[], coverage: TransportDenyCoverage): TransportDenyVerdict {
    const denies = statements.filter(deniesWithoutTls);
    if (denies.length === 0) {
        return { problem: "no-deny" };
    }
    const wanted = coverage.actions.map((a) => a.toLowerCase());
    const covering = denies.filter((s) => s.actions.some((a) => wanted.includes(a.toLowerCase())));
    if (covering.length === 0) {
        return { problem: "actions", actions: [...new Set(denies.flatMap((s) => s.actions))] };
    }
    const missing = coverage.resources.filter((arn) => !covering.some((s) => s.resources.some((pattern) => resourceMatches(pattern, arn))));
    return missing.length > 0 ? { problem: "resources", missing } : { problem: undefined };
}
