// Cognito SECRET_HASH with the JDK alone (javax.crypto + java.util.Base64).
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Reads COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and COGNITO_USERNAME from the
// environment and prints the hash:   java src/main/java/SecretHash.java
// (or, after `mvn -q test`, java -cp target/classes SecretHash)
//
// SNIPPET_MISTAKE=urlsafe shows the classic bug: Base64.getUrlEncoder() writes
// '-' and '_' where Cognito expects '+' and '/'. Any other SNIPPET_MISTAKE value is
// refused (exit 2): unset, it runs the right code.
//
// Run it in a UTF-8 locale (LANG=C.UTF-8): in the C/POSIX locale of many containers
// Java decodes environment variables and arguments as ASCII, so a non-ASCII username
// hashes wrong. Text your code decodes as UTF-8 itself (a request body) is not affected.
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class SecretHash {
    private SecretHash() {}

    public static String compute(String username, String clientId, String clientSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((username + clientId).getBytes(StandardCharsets.UTF_8));
            if (mistake("urlsafe")) {
                return Base64.getUrlEncoder().encodeToString(digest); // WRONG: '-' and '_'
            }
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    // Does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
    static boolean mistake(String name) {
        String value = System.getenv("SNIPPET_MISTAKE");
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (!value.equals(name)) {
            System.err.println("error: SNIPPET_MISTAKE=" + value + " is not known here: this snippet shows SNIPPET_MISTAKE=" + name + " (see its header); unset SNIPPET_MISTAKE for the right hash");
            System.exit(2);
        }
        return true;
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            System.err.println("error: set " + name);
            System.exit(2);
        }
        return value;
    }

    public static void main(String[] args) {
        System.out.println(compute(env("COGNITO_USERNAME"), env("COGNITO_CLIENT_ID"), env("COGNITO_CLIENT_SECRET")));
    }
}
