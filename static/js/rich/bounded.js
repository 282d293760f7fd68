// A Map that forgets its oldest entries past `size` (caches of rendered results in the lazy chunks).
export function bounded(size) {
  const map = new Map();
  return {
    get: (key) => map.get(key),
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > size) map.delete(map.keys().next().value);
    },
  };
}
