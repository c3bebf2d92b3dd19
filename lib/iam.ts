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

/** The partition, Region and account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function arnParts(arn: string): { partition: string; region: string; account: string } {
    const parts = arn.split(":");
    return { partition: parts[1] ?? "aws", region: parts[3] ?? "", account: parts[4] ?? "" };
}

/**
 * The `kms:ViaService` value of a service in a Region: a task-role KMS grant conditioned on it lets
 * the key be used only when that service calls KMS on the role's behalf, never directly (AWS KMS
 * developer guide, "kms:ViaService").
 */
export function kmsViaService(service: string, region: string): string {
    return `${service}.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`;
}

/** The `kms:ViaService` condition for `service` in the Region of `arn` (an ARN of the stack: no invoke needed). */
export function viaServiceCondition(service: string, arn: string): NonNullable<PolicyStatement["Condition"]> {
    return { StringEquals: { "kms:ViaService": kmsViaService(service, arnParts(arn).region) } };
}
