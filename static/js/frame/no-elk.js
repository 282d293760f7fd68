// Stands in for elkjs (1.5 MB, more than one asset may weigh): mermaid's optional "elk" layout then fails
// and the answer shows the diagram's code; every other layout is unaffected.
export default class NoElk {
  layout() {
    return Promise.reject(new Error("the elk layout is not available here"));
  }
}
