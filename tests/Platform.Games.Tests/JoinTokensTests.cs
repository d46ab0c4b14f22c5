using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Platform.Games.Tests;

public class JoinTokensTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());

    private static JoinTokens Tokens(TimeProvider time, string current, params (string Id, string Key)[] keys) =>
        new(Options.Create(new TokenOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), CurrentKeyId = current, LifetimeHours = 24 }), time);

    [Fact]
    public void ATokenOpensToWhatWasSealed()
    {
        var tokens = Tokens(TimeProvider.System, "a", ("a", KeyA));
        var issued = tokens.Issue("K7QX3M", "p1", 2, "chat", "Bob");

        tokens.TryOpen(tokens.Seal(issued), out var opened, out _).ShouldBeTrue();

        opened.ShouldBe(issued);
    }

    [Fact]
    public void EveryAlteredCharacterIsRefused()
    {
        var tokens = Tokens(TimeProvider.System, "a", ("a", KeyA));
        var sealedToken = tokens.Seal(tokens.Issue("K7QX3M", "p1", 2, "chat", "Bob"));

        for (var i = sealedToken.IndexOf('.') + 1; i < sealedToken.Length; i++)
        {
            var altered = sealedToken[..i] + (sealedToken[i] == 'A' ? 'B' : 'A') + sealedToken[(i + 1)..];
            tokens.TryOpen(altered, out _, out var problem).ShouldBeFalse($"position {i}");
            problem.ShouldBeOneOf("the token has been altered", "the token is malformed");
        }
    }

    [Fact]
    public void AnExpiredTokenIsRefused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-21T10:00:00Z"));
        var tokens = Tokens(clock, "a", ("a", KeyA));
        var sealedToken = tokens.Seal(tokens.Issue("K7QX3M", "p1", 2, "chat", "Bob"));

        clock.Advance(TimeSpan.FromHours(23.9));
        tokens.TryOpen(sealedToken, out _, out _).ShouldBeTrue();
        clock.Advance(TimeSpan.FromHours(0.2));
        tokens.TryOpen(sealedToken, out _, out var problem).ShouldBeFalse();
        problem.ShouldBe("the token has expired; join the game again");
    }

    [Fact]
    public void KeysRotateWithoutRefusingTokensInFlight()
    {
        var old = Tokens(TimeProvider.System, "a", ("a", KeyA));
        var during = Tokens(TimeProvider.System, "b", ("a", KeyA), ("b", KeyB));
        var after = Tokens(TimeProvider.System, "b", ("b", KeyB));
        var early = old.Seal(old.Issue("K7QX3M", "p1", 1, "chat", "Ann"));
        var fresh = during.Seal(during.Issue("K7QX3M", "p1", 1, "chat", "Ann"));

        fresh.ShouldStartWith("b.");
        during.TryOpen(early, out _, out _).ShouldBeTrue("old tokens open while both keys are held");
        old.TryOpen(fresh, out _, out var problem).ShouldBeFalse();
        problem.ShouldBe("the token was sealed under a key this server does not hold");
        after.TryOpen(early, out _, out _).ShouldBeFalse("the retired key opens nothing");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("a.***")]
    [InlineData("a.AAAA")]
    public void GarbageIsRefusedWithoutThrowing(string? token)
    {
        Tokens(TimeProvider.System, "a", ("a", KeyA)).TryOpen(token, out _, out var problem).ShouldBeFalse();
        problem.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void GameCodesUseOnlyUnambiguousCharacters()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => GameIds.New()).ToList();
        codes.ShouldAllBe(c => c.Length == 6 && c.All(ch => GameIds.Alphabet.Contains(ch)));
        GameIds.Alphabet.ShouldNotContain('0');
        GameIds.Alphabet.ShouldNotContain('O');
        GameIds.Alphabet.ShouldNotContain('1');
        GameIds.Alphabet.ShouldNotContain('I');
        GameIds.Alphabet.ShouldNotContain('L');
        GameIds.TryNormalize(" k7qx3m ", out var normalized).ShouldBeTrue();
        normalized.ShouldBe("K7QX3M");
        GameIds.TryNormalize("K7QX3O", out _).ShouldBeFalse();
    }
}
