import { describe, expect, it } from 'vitest';
import { keys, PARTITIONS, partitionOf } from '#shared/store/keys';

/** Every table key the key layout can make, with made-up ids. */
const everyTableKey = () =>
  Object.entries(keys).flatMap(([name, make]) => {
    const made =
      typeof make === 'function' ? (make as (...a: unknown[]) => unknown)('a', 1, 'c', 'd') : make;
    return made && typeof made === 'object' && 'pk' in made
      ? [[name, String(made.pk)] as const]
      : [];
  });

describe('partition families', () => {
  it('name the family of every key the layout makes, so every item can be granted', () => {
    const keysMade = everyTableKey();
    expect(keysMade.length).toBeGreaterThan(25);
    for (const [name, pk] of keysMade) expect(partitionOf(pk), `${name}: ${pk}`).toBeDefined();
  });

  it('do not overlap: each key belongs to exactly one family', () => {
    for (const [name, pk] of everyTableKey()) {
      const families = Object.values(PARTITIONS).filter((prefix) =>
        prefix.endsWith('#') ? pk.startsWith(prefix) : pk === prefix,
      );
      expect(families, `${name}: ${pk}`).toHaveLength(1);
    }
  });
});
