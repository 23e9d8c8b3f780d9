// Cognito SECRET_HASH and a USER_PASSWORD_AUTH sign-in in Kotlin, with javax.crypto and
// the AWS SDK for Java 2.x (the same SDK an Android or Ktor backend calls from Kotlin).
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL. Run it on a server: a secret inside an app can be read out of it.
//
//   mvn -q package                                                    # compile, write target/classpath.txt
//   java -cp "target/classes:$(cat target/classpath.txt)" SignInKt hash     # print the SECRET_HASH only
//   java -cp "target/classes:$(cat target/classpath.txt)" SignInKt signin   # InitiateAuth; never prints a token
//
// SNIPPET_MISTAKE=reversed shows the classic bug: a string template written the other way
// round, "$clientId$username", so the HMAC is over the wrong message. Any other
// SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
import java.net.URI
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.system.exitProcess
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException

fun secretHash(username: String, clientId: String, clientSecret: String): String {
    val mac = Mac.getInstance("HmacSHA256")
    mac.init(SecretKeySpec(clientSecret.toByteArray(Charsets.UTF_8), "HmacSHA256"))
    if (mistake("reversed")) {
        val wrong = mac.doFinal("$clientId$username".toByteArray(Charsets.UTF_8)) // WRONG: the client id first
        return Base64.getEncoder().encodeToString(wrong) // WRONG: Cognito hashes username + client id
    }
    val digest = mac.doFinal("$username$clientId".toByteArray(Charsets.UTF_8))
    return Base64.getEncoder().encodeToString(digest)
}

// Does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
fun mistake(name: String): Boolean {
    val value = System.getenv("SNIPPET_MISTAKE").orEmpty()
    if (value != "" && value != name) {
        System.err.println("error: SNIPPET_MISTAKE=$value is not known here: this snippet shows SNIPPET_MISTAKE=$name (see its header); unset SNIPPET_MISTAKE for the right hash")
        exitProcess(2)
    }
    return value == name
}

fun env(name: String): String {
    val value = System.getenv(name)
    if (value.isNullOrEmpty()) {
        System.err.println("error: set $name")
        exitProcess(2)
    }
    return value
}

fun signIn(clientId: String, clientSecret: String, username: String): Int {
    // InitiateAuth is a public API: no AWS credentials needed. Region: AWS_REGION.
    val builder = CognitoIdentityProviderClient.builder()
        .credentialsProvider(AnonymousCredentialsProvider.create())
    System.getenv("COGNITO_ENDPOINT_URL")?.takeIf { it.isNotEmpty() }?.let {
        builder.endpointOverride(URI.create(it)) // unset: the real regional endpoint
    }
    builder.build().use { cognito ->
        return try {
            val out = cognito.initiateAuth { r ->
                r.authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                    .clientId(clientId)
                    .authParameters(mapOf(
                        "USERNAME" to username,
                        "PASSWORD" to env("COGNITO_PASSWORD"),
                        "SECRET_HASH" to secretHash(username, clientId, clientSecret),
                    ))
            }
            println(if (out.authenticationResult() != null) "signed in: got tokens"
                    else "challenge: ${out.challengeNameAsString()}")
            0
        } catch (e: CognitoIdentityProviderException) {
            println("${e.awsErrorDetails().errorCode()}: ${e.awsErrorDetails().errorMessage()}")
            1
        }
    }
}

fun main(args: Array<String>) {
    val clientId = env("COGNITO_CLIENT_ID")
    val clientSecret = env("COGNITO_CLIENT_SECRET")
    val username = env("COGNITO_USERNAME")
    when (args.firstOrNull() ?: "hash") {
        "hash" -> println(secretHash(username, clientId, clientSecret))
        "signin" -> exitProcess(signIn(clientId, clientSecret, username))
        else -> {
            System.err.println("usage: java -cp ... SignInKt [hash|signin]")
            exitProcess(2)
        }
    }
}
