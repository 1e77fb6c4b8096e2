// Talks to the gateway exactly as an Ollama application would, with the official ollama-js client.
// Usage: node ollama-js.mjs <host> <apiKey> <model> <embedModel> <pullModel|-> . Prints one JSON line
// with what it saw; exits 1 on failure. OLLAMA_OPTIONS (JSON) is sent as every chat's and generate's
// "options"; SKIP_TOOLS=1 leaves the tool calls out (a model with random weights calls no tool).
import { Ollama } from "ollama";

const [host, apiKey, model, embedModel, pullModel] = process.argv.slice(2);
const options = process.env.OLLAMA_OPTIONS ? JSON.parse(process.env.OLLAMA_OPTIONS) : undefined;
const ollama = new Ollama({ host, headers: { Authorization: `Bearer ${apiKey}` } });
const user = (content) => [{ role: "user", content }];
const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const seen = {};

seen.version = (await ollama.version()).version;
seen.models = (await ollama.list()).models.map((m) => m.name);
const shown = await ollama.show({ model });
seen.showFormat = shown.details?.format ?? null;
seen.showCapabilities = shown.capabilities ?? [];

const chat = await ollama.chat({ model, messages: user("Say hi"), options });
seen.chat = chat.message.content;
seen.chatDone = `${chat.done} ${chat.done_reason}`;

const stream = await ollama.chat({ model, messages: user("Say hi"), stream: true, options });
seen.streamed = "";
seen.chunks = 0;
for await (const part of stream) {
  seen.chunks++;
  seen.streamed += part.message.content;
  if (part.done) seen.streamEnd = { reason: part.done_reason, evalCount: part.eval_count ?? null };
}

if (!process.env.SKIP_TOOLS) {
  const tool = await ollama.chat({ model, messages: user("Weather in Paris?"), tools: [weather] });
  seen.toolCall = tool.message.tool_calls?.[0]?.function ?? null;
  const toolStream = await ollama.chat({ model, messages: user("Weather in Paris?"), tools: [weather], stream: true });
  seen.streamedToolCall = null;
  for await (const part of toolStream) {
    if (part.message.tool_calls?.length) seen.streamedToolCall = part.message.tool_calls[0].function;
  }
}

seen.generate = (await ollama.generate({ model, prompt: "Say hi", options })).response;
seen.generateStreamed = "";
for await (const part of await ollama.generate({ model, prompt: "Say hi", stream: true, options })) {
  seen.generateStreamed += part.response;
}

seen.embeddings = (await ollama.embed({ model: embedModel, input: ["hello", "world"] })).embeddings;

if (pullModel !== "-") {
  seen.pullStatuses = [];
  for await (const p of await ollama.pull({ model: pullModel, stream: true })) {
    seen.pullStatuses.push(p.completed ? `${p.status} ${p.completed}/${p.total}` : p.status);
  }
  // The gateway lists a pulled model as soon as Ollama does: wait a little at most.
  for (let i = 0; i < 50 && !seen.pulledListed; i++) {
    seen.pulledListed = (await ollama.list()).models.some((m) => m.name.startsWith(pullModel));
    if (!seen.pulledListed) await new Promise((r) => setTimeout(r, 100));
  }
  seen.pulledChat = (await ollama.chat({ model: pullModel, messages: user("Say hi") })).message.content;
}

seen.ps = (await ollama.ps()).models.map((m) => m.name);

try {
  await ollama.chat({ model: "no-such-model", messages: user("x") });
  seen.notFound = "no error";
} catch (e) {
  seen.notFound = `${e.name} ${e.status_code}`;
}

console.log(JSON.stringify(seen));
