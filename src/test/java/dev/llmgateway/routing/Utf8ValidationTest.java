package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The allocation-free UTF-8 check agrees with the JDK's strict decoder on any bytes. */
class Utf8ValidationTest {

  private static boolean jdk(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Property(tries = 3000)
  void agreesWithTheJdkOnRandomBytes(@ForAll byte[] bytes) {
    assertEquals(jdk(bytes), RequestBody.validUtf8(bytes));
  }

  @Property(tries = 3000)
  void agreesWithTheJdkOnMostlyValidText(@ForAll("text") String text, @ForAll byte noise, @ForAll int where) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(true, RequestBody.validUtf8(bytes));
    if (bytes.length > 0) {
      bytes[Math.floorMod(where, bytes.length)] = noise;
      assertEquals(jdk(bytes), RequestBody.validUtf8(bytes));
    }
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }
}
