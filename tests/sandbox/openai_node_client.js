// openai-node against the sandbox: what a JavaScript student's first calls do, as JSON on
// stdout for tests/sandbox/test_openai_node.py. Run with NODE_PATH at openai-node's folder.
const { OpenAI } = require("openai");

async function main() {
  const client = new OpenAI({ baseURL: process.env.SANDBOX_BASE_URL, apiKey: "unused", maxRetries: 0 });
  const model = process.env.SANDBOX_MODEL;
  const response = await client.responses.create({ model, instructions: "Be brief.", input: "one two three" });
  const stream = client.responses.stream({ model, input: "alpha beta gamma" });
  const events = [];
  for await (const event of stream) events.push(event.type);
  const streamed = await stream.finalResponse();
  const chat = await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi there" }] });
  let missing = null;
  try {
    await client.responses.retrieve("resp_nothing");
  } catch (error) {
    missing = { status: error.status, type: error.constructor.name };
  }
  console.log(JSON.stringify({
    text: response.output_text,
    status: response.status,
    usage: response.usage,
    events,
    // openai-node's finalResponse() has no output_text (unless parsing): read the items
    streamedText: streamed.output
      .filter((item) => item.type === "message")
      .flatMap((item) => item.content.map((part) => part.text ?? ""))
      .join(""),
    streamedId: streamed.id,
    chat: chat.choices[0].message.content,
    missing,
  }));
}

main().catch((error) => {
  console.error(String(error));
  process.exit(1);
});
