/**
 * IAM policy documents as typed data. Components build statements with these types and serialize
 * them with `policyJson`; the mock engine throws on `aws.iam.getPolicyDocument`, and a typed
 * document keeps least privilege reviewable in tests (exact actions, exact resources).
 */
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Readonly<Record<string, string | readonly string[]>> | "*";
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A statement whose resources may still be Outputs (ARNs of resources being created). */
export type PolicyStatementInput = Omit<PolicyStatement, "Resource"> & { readonly Resource: readonly pulumi.Input<string>[] };

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** Serializes statements (which may contain Outputs) into a policy JSON string. */
export function policyJson(statements: pulumi.Input<readonly pulumi.Input<PolicyStatement | PolicyStatementInput>[]>): pulumi.Output<string> {
    return pulumi.output(statements).apply((resolved) => JSON.stringify({ Version: "2012-10-17", Statement: resolved }));
}

/** The trust policy that lets an AWS service assume a role. */
export function assumeRolePolicy(service: string, conditions?: PolicyStatement["Condition"]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"], ...(conditions ? { Condition: conditions } : {}) }],
    });
}

/** Deny statement that rejects any request not sent over TLS (resource policies of S3, SQS, SNS). */
export function denyInsecureTransport(actions: readonly string[], resources: readonly string[]): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: actions,
        Resource: resources,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
