import type { SqlDialect, SqlParamType, SqlParamValue } from './sql-dialect.ts';

/**
 * The bound parameters of one compiled search. Every value from the query becomes a parameter here;
 * the SQL text only ever holds the placeholders.
 */
export class SqlParams {
  private readonly dialect: SqlDialect;
  private readonly values = new Map<string, { value: SqlParamValue; placeholder: string }>();

  constructor(dialect: SqlDialect) {
    this.dialect = dialect;
  }

  /** Binds a value and returns its placeholder. */
  add(value: SqlParamValue, type: SqlParamType): string {
    const name = `p${this.values.size}`;
    const placeholder = this.dialect.placeholder(name, type);
    this.values.set(name, { value, placeholder });
    return placeholder;
  }

  /** The parameters `sql` uses (drivers refuse unused named parameters). */
  for(sql: string): Record<string, SqlParamValue> {
    const used: Record<string, SqlParamValue> = {};
    for (const [name, { value, placeholder }] of this.values) {
      const at = new RegExp(`${placeholder.replace(/[^A-Za-z0-9_]/g, '\\$&')}(?![A-Za-z0-9_])`);
      if (at.test(sql)) used[name] = value;
    }
    return used;
  }
}
