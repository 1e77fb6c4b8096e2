// Talks to the gateway exactly as an application would, with the official OpenAI Node SDK.
// Usage: node openai-sdk.mjs <baseURL> <model>. Prints one JSON line with what it saw; exit 1 on failure.
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "not-needed", maxRetries: 0, timeout: 20_000 });
const seen = {};

const models = await client.models.list();
seen.models = models.data.map((m) => m.id);

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Say hi" }],
});
seen.chat = completion.choices[0].message.content;
seen.chatModel = completion.model;

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Say hi" }],
  stream: true,
  stream_options: { include_usage: true },
});
seen.streamed = "";
seen.chunks = 0;
for await (const chunk of stream) {
  seen.chunks++;
  if (chunk.choices.length > 0) seen.streamed += chunk.choices[0].delta?.content ?? "";
  if (chunk.usage) seen.usage = chunk.usage.total_tokens;
}

// The SDK asks for base64 unless told otherwise, and decodes it itself.
const embedded = await client.embeddings.create({ model, input: ["hello", "world"] });
seen.embeddings = embedded.data.map((d) => d.embedding);
seen.embeddingModel = embedded.model;
const floats = await client.embeddings.create({ model, input: "hello", encoding_format: "float" });
seen.floatEmbedding = floats.data[0].embedding;

try {
  await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] });
  seen.notFound = "no error";
} catch (e) {
  seen.notFound = `${e.constructor.name} ${e.status} ${e.code}`;
}

console.log(JSON.stringify(seen));
