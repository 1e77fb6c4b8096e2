// Talks to the gateway as Claude Code and other agents do, with the official Anthropic SDK.
// Usage: node anthropic-sdk.mjs <baseURL> <model> <apiKey> [no-tools]. Prints one JSON line of what it
// saw; exit 1 on failure. "no-tools" skips the tool round trip (for a model that cannot call tools).
import Anthropic from "@anthropic-ai/sdk";

const [baseURL, model, apiKey, mode] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });
const seen = {};
const ask = [{ role: "user", content: "Say hi" }];

const message = await client.messages.create({ model, max_tokens: 64, system: "Be brief.", messages: ask });
seen.text = message.content.filter((b) => b.type === "text").map((b) => b.text).join("");
seen.stopReason = message.stop_reason;
seen.outputTokens = message.usage.output_tokens;

const stream = client.messages.stream({ model, max_tokens: 64, messages: ask });
seen.events = [];
stream.on("streamEvent", (event) => seen.events.push(event.type));
let streamed = "";
stream.on("text", (text) => { streamed += text; });
const final = await stream.finalMessage();
seen.streamed = streamed;
seen.streamStopReason = final.stop_reason;

if (mode !== "no-tools") {
  const tools = [{
    name: "get_weather",
    description: "The weather in a city",
    input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  }];
  const question = { role: "user", content: "What is the weather in Paris?" };
  const call = await client.messages.create({ model, max_tokens: 64, tools, messages: [question] });
  const use = call.content.find((b) => b.type === "tool_use");
  seen.toolStop = call.stop_reason;
  seen.toolName = use?.name;
  seen.toolInput = use?.input;
  const reply = await client.messages.stream({
    model, max_tokens: 64, tools,
    messages: [question, { role: "assistant", content: call.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }] }],
  }).finalMessage();
  seen.afterTool = reply.content.filter((b) => b.type === "text").map((b) => b.text).join("");
}

const counted = await client.messages.countTokens({ model, messages: ask });
seen.inputTokens = counted.input_tokens;

try {
  await client.messages.create({ model: "no-such-model", max_tokens: 8, messages: ask });
  seen.notFound = "no error";
} catch (e) {
  seen.notFound = `${e.constructor.name} ${e.status} ${e.error?.error?.type}`;
}

try {
  await client.messages.create({ model, max_tokens: 8, messages: [{ role: "user", content: [{ type: "hologram" }] }] });
  seen.badRequest = "no error";
} catch (e) {
  seen.badRequest = `${e.constructor.name} ${e.status} ${e.error?.error?.type}`;
}

console.log(JSON.stringify(seen));
