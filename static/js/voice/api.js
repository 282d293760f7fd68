// POST to the voice endpoints with the page's access token; a refusal becomes an Error with the
// endpoint's error `code` (the same JSON shape as /talk), a failed fetch `network_error`.
export async function post(url, body, { token, contentType, signal }) {
  const headers = { "Content-Type": contentType };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(url, { method: "POST", headers, body, signal, credentials: "same-origin" });
  } catch (e) {
    if (e?.name === "AbortError") throw e;
    throw Object.assign(new Error("network_error"), { code: "network_error" });
  }
  if (!res.ok) {
    let code = "internal_server_error";
    try {
      code = (await res.json()).code || code;
    } catch {
      /* not our JSON (a proxy's page): keep the generic code */
    }
    throw Object.assign(new Error(code), { code, status: res.status });
  }
  return res;
}
