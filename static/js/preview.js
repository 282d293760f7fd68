// A built-in sample exchange for previews (gallery, screenshots): no network, no storage.

export function sampleConversation() {
  const answer = [
    "Refunds go back to your **original payment method** within *5 business days* after we receive the item.",
    "",
    "1. Start the return from **Orders → Return an item**.",
    "2. Print the prepaid label and drop the parcel at any pick-up point.",
    "3. You get an email as soon as the refund is issued.",
    "",
    "Your tracking number looks like `RT-2048-XK`. Questions? See the [returns policy](https://example.com/returns).",
  ].join("\n");
  return {
    id: "preview",
    conversationId: null,
    title: "Refund timing",
    updated: Date.now(),
    inputs: {},
    messages: [
      { role: "user", text: "When will I get my refund?" },
      {
        role: "bot",
        text: answer,
        messageId: null,
        conversationId: null,
        citations: [
          {
            position: 1,
            dataset: "Product handbook",
            document: "returns-policy.md",
            content:
              "Refunds are issued to the original payment method within 5 business days of receiving the return.",
            score: 0.87,
          },
        ],
        steps: [],
        tools: [],
        error: null,
        done: true,
      },
    ],
  };
}
