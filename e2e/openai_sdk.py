"""Talks to the gateway exactly as an application would, with the official OpenAI Python SDK.

Usage: python openai_sdk.py <base_url> <model>. Prints one JSON line with what it saw; exit 1 on failure.
"""
import json
import sys

import openai
from openai import OpenAI

base_url, model = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=20.0)
seen = {"sdk": openai.__version__}

seen["models"] = [m.id for m in client.models.list().data]

completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hi"}])
seen["chat"] = completion.choices[0].message.content
seen["chatModel"] = completion.model

stream = client.chat.completions.create(
    model=model,
    messages=[{"role": "user", "content": "Say hi"}],
    stream=True,
    stream_options={"include_usage": True},
)
seen["streamed"] = ""
seen["chunks"] = 0
for chunk in stream:
    seen["chunks"] += 1
    if chunk.choices:
        seen["streamed"] += chunk.choices[0].delta.content or ""
    if chunk.usage:
        seen["usage"] = chunk.usage.total_tokens

# The SDK asks for base64 unless told otherwise, and decodes it itself.
embedded = client.embeddings.create(model=model, input=["hello", "world"])
seen["embeddings"] = [d.embedding for d in embedded.data]
seen["embeddingModel"] = embedded.model
floats = client.embeddings.create(model=model, input="hello", encoding_format="float")
seen["floatEmbedding"] = floats.data[0].embedding

try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    seen["notFound"] = "no error"
except openai.APIStatusError as e:
    seen["notFound"] = f"{type(e).__name__} {e.status_code} {e.code}"

print(json.dumps(seen))
