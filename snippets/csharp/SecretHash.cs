// Cognito SECRET_HASH with the .NET base library (HMACSHA256 + Convert.ToBase64String).
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Reads COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and COGNITO_USERNAME from the
// environment and prints the hash.
//
// SNIPPET_MISTAKE=hex shows the classic bug: BitConverter.ToString (hex) instead of base64.
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
            if (Environment.GetEnvironmentVariable("SNIPPET_MISTAKE") == "hex")
            {
                return BitConverter.ToString(digest).Replace("-", "").ToLowerInvariant(); // WRONG
            }
            return Convert.ToBase64String(digest);
        }
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
