// The OpenAI Responses API through the gateway, as the OpenAI Node SDK (client.responses) and
// Vercel's AI SDK (its default OpenAI provider calls /v1/responses) use it.
// Usage: node responses-sdks.mjs <baseURL ending in /v1> <model> <apiKey>. Prints one JSON line; exit 1 on failure.
import OpenAI from "openai";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";

const [baseURL, model, apiKey] = process.argv.slice(2);
const seen = {};

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });
const response = await client.responses.create({ model, input: "Say hi" });
seen.openai = response.output_text;
const events = await client.responses.create({ model, input: "Say hi", stream: true });
seen.openaiStreamed = "";
for await (const event of events) {
  if (event.type === "response.output_text.delta") seen.openaiStreamed += event.delta;
  if (event.type === "response.completed") seen.openaiCompleted = true;
}

const openai = createOpenAI({ baseURL, apiKey });
const generated = await generateText({ model: openai(model), prompt: "Say hi", maxRetries: 0 });
seen.vercel = generated.text;
const streamed = streamText({ model: openai(model), prompt: "Say hi", maxRetries: 0 });
seen.vercelStreamed = "";
for await (const part of streamed.textStream) seen.vercelStreamed += part;
seen.vercelFinish = await streamed.finishReason;

console.log(JSON.stringify(seen));
