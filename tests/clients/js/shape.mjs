// Checks a response's `data` against the document that asked for it, as a
// typed client reads it: every field selected is there under its response
// key (a null included, never left out), a non-null field is never null, a
// list is a list, and no key that was not asked for is added.
import {
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
} from "graphql";

/**
 * Problems found in `data` (the answer to `document` over `schema`), as
 * `path: what` strings (the first `max`, then how many more); empty when
 * it conforms.
 */
export function shapeProblems(schema, document, data, max = 20) {
  const fragments = Object.fromEntries(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const problems = [];
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1) throw new Error("one operation per document");
  const op = ops[0];
  const root = schema.getRootType(op.operation);

  // The fields a selection set selects on `type` for an object whose
  // `__typename` is `typename` (when known), by response key.
  function collect(type, selectionSet, typename, out = new Map()) {
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias ? sel.alias.value : sel.name.value;
        if (!out.has(key)) out.set(key, []);
        out.get(key).push(sel);
      } else {
        const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments[sel.name.value];
        const cond = frag.typeCondition ? schema.getType(frag.typeCondition.name.value) : type;
        if (applies(cond, typename)) collect(type, frag.selectionSet, typename, out);
      }
    }
    return out;
  }
  function applies(cond, typename) {
    if (!typename) return !isAbstractType(cond); // unknown concrete type: only unconditional selections
    if (cond.name === typename) return true;
    const concrete = schema.getType(typename);
    return isAbstractType(cond) && concrete ? schema.isSubType(cond, concrete) : false;
  }
  function checkObject(type, selectionSet, value, path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
      return;
    }
    const typename = isAbstractType(type) ? value.__typename : type.name;
    const fields = collect(type, selectionSet, typename);
    for (const key of Object.keys(value)) {
      if (!fields.has(key)) problems.push(`${path}.${key}: not asked for`);
    }
    const concrete = typename ? schema.getType(typename) : type;
    for (const [key, nodes] of fields) {
      const sub = `${path}.${key}`;
      if (!(key in value)) {
        problems.push(`${sub}: missing`);
        continue;
      }
      const name = nodes[0].name.value;
      if (name === "__typename") {
        if (typeof value[key] !== "string") problems.push(`${sub}: __typename is not a string`);
        continue;
      }
      const def = concrete.getFields ? concrete.getFields()[name] : undefined;
      if (!def) {
        problems.push(`${sub}: no field ${name} on ${concrete}`);
        continue;
      }
      const merged = {
        kind: Kind.SELECTION_SET,
        selections: nodes.flatMap((n) => (n.selectionSet ? n.selectionSet.selections : [])),
      };
      checkValue(def.type, merged, value[key], sub);
    }
  }
  function checkValue(type, selectionSet, value, path) {
    if (value === null) {
      if (isNonNullType(type)) problems.push(`${path}: null for the non-null ${type}`);
      return;
    }
    type = getNullableType(type);
    if (isListType(type)) {
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected a list, got ${JSON.stringify(value).slice(0, 80)}`);
        return;
      }
      value.forEach((v, i) => checkValue(type.ofType, selectionSet, v, `${path}[${i}]`));
      return;
    }
    if (isCompositeType(getNamedType(type))) {
      checkObject(type, selectionSet, value, path);
    } else if (typeof value === "object" && getNamedType(type).name !== "JSON") {
      problems.push(`${path}: expected a ${type}, got ${JSON.stringify(value).slice(0, 80)}`);
    }
  }
  checkObject(root, op.selectionSet, data, "data");
  return problems.length > max ? [...problems.slice(0, max), `... and ${problems.length - max} more`] : problems;
}
