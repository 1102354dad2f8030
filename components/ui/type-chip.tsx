import { describeType, typeKind } from "@/lib/core/json-schema";

export function TypeChip({ schema }: { schema: unknown }) {
  const text = describeType(schema);
  return (
    <span className={`type-chip type-${typeKind(schema)}`} title={text}>
      {text.length > 48 ? `${text.slice(0, 45)}…` : text}
    </span>
  );
}
