// Cognito SECRET_HASH with the .NET base library (HMACSHA256 + Convert.ToBase64String).
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Reads COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and COGNITO_USERNAME from the
// environment and prints the hash.
//
// SNIPPET_MISTAKE=hex shows the classic bug: BitConverter.ToString (hex) instead of base64.
// Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
using System;
using System.Security.Cryptography;
using System.Text;

public static class SecretHash
{
    public static string Compute(string username, string clientId, string clientSecret)
    {
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(clientSecret)))
        {
            byte[] digest = hmac.ComputeHash(Encoding.UTF8.GetBytes(username + clientId));
            if (Mistake("hex"))
            {
                return BitConverter.ToString(digest).Replace("-", "").ToLowerInvariant(); // WRONG
            }
            return Convert.ToBase64String(digest);
        }
    }

    // Does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
    public static bool Mistake(string name)
    {
        string value = Environment.GetEnvironmentVariable("SNIPPET_MISTAKE");
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        if (value != name)
        {
            Console.Error.WriteLine("error: SNIPPET_MISTAKE=" + value + " is not known here: this snippet shows SNIPPET_MISTAKE=" + name + " (see its header); unset SNIPPET_MISTAKE for the right hash");
            Environment.Exit(2);
        }
        return true;
    }

    public static string Env(string name)
    {
        string value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            Console.Error.WriteLine("error: set " + name);
            Environment.Exit(2);
        }
        return value;
    }

    public static void Main()
    {
        Console.WriteLine(Compute(Env("COGNITO_USERNAME"), Env("COGNITO_CLIENT_ID"), Env("COGNITO_CLIENT_SECRET")));
    }
}
