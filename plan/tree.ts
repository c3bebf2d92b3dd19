/**
 * The resource tree of a plan: the stack, its components and their children, indented.
 *
 *   platform-prod (pulumi:pulumi:Stack)
 *   ├─ app  platform:app:InternalAlbService  (84 resources)
 *   │  ├─ app-alb  aws:lb/loadBalancer:LoadBalancer
 *   │  └─ ...
 *   └─ keys  platform:security:EncryptionKeys  (10 resources)
 *      ├─ keys-app  aws:kms/key:Key [protected] [retained]
 *
 * Siblings are ordered components first (by name), then custom resources by type and name, so the
 * output is stable from run to run whatever order the engine completed registrations in.
 */
import { RecordedResource } from "../engine/mocks";
import { ResourceIndex, isComponent, isRemoteComponent } from "./model";

function compareSiblings(a: RecordedResource, b: RecordedResource): number {
    const rank = (r: RecordedResource) => (isComponent(r) ? 0 : 1);
    return rank(a) - rank(b) || (rank(a) === 1 ? a.type.localeCompare(b.type) : 0) || a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn);
}

function marks(r: RecordedResource): string {
    const out: string[] = [];
    if (r.protect) {
        out.push("[protected]");
    }
    if (r.retainOnDelete) {
        out.push("[retained]");
    }
    return out.length > 0 ? ` ${out.join(" ")}` : "";
}

function line(index: ResourceIndex, r: RecordedResource): string {
    if (!isComponent(r)) {
        return r.custom ? `${r.name}  ${r.type}${marks(r)}` : `${r.name} (${r.type})`;
    }
    if (isRemoteComponent(r)) {
        // Its provider plugin creates the children; offline, only the component itself is known.
        return `${r.name}  ${r.type}${marks(r)}  (remote component: children created by its provider, not recorded offline)`;
    }
    const count = index.descendantCount(r);
    return `${r.name}  ${r.type}${marks(r)}  (${count} resource${count === 1 ? "" : "s"})`;
}

/** Renders the tree of every recorded resource, one per line. */
export function renderTree(resources: readonly RecordedResource[]): string {
    const index = new ResourceIndex(resources);
    const lines: string[] = [];
    const walk = (r: RecordedResource, prefix: string, childPrefix: string) => {
        lines.push(`${prefix}${line(index, r)}`);
        const children = [...index.children(r)].sort(compareSiblings);
        children.forEach((c, i) => {
            const last = i === children.length - 1;
            walk(c, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`);
        });
    };
    for (const root of [...index.roots].sort(compareSiblings)) {
        walk(root, "", "");
    }
    return lines.join("\n");
}
