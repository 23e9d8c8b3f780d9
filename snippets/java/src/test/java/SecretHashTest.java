// SecretHash.compute on the two public known-answer vectors, the order of the message
// and the alphabet of the result. Run by `mvn test` (Maven Surefire, JUnit 5).
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretHashTest {
    private static final String CLIENT_ID = "EPswPGbpdBLZnh9XW134hK7qYe";
    private static final String CLIENT_SECRET = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b";

    @Test
    void firstPublicVector() {
        assertEquals("oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=",
                SecretHash.compute("username", CLIENT_ID, CLIENT_SECRET));
    }

    @Test
    void secondPublicVector() {
        assertEquals("hJAY3VKwKQyz2H1A6+Jgy7nUxmNepNrLTL8ltH+BzX8=",
                SecretHash.compute("a@b.com", "user-pool-client-id", "user-pool-client-secret"));
    }

    @Test
    void usernameComesFirstInTheMessage() {
        assertNotEquals(SecretHash.compute("username", CLIENT_ID, CLIENT_SECRET),
                SecretHash.compute(CLIENT_ID, "username", CLIENT_SECRET));
    }

    @Test
    void alwaysFortyFourCharactersOfStandardBase64() {
        for (int i = 0; i < 200; i++) {
            String hash = SecretHash.compute("user" + i, CLIENT_ID, CLIENT_SECRET);
            assertTrue(hash.matches("[A-Za-z0-9+/]{43}="), hash);
        }
    }
}
