using System.Text.Json;
using GameChannels.Core;
using Microsoft.AspNetCore.SignalR;
using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>
/// The SignalR transport over the game core: one connection per player per page, on /channels?game=ID with
/// the join token. docs/protocol.md describes the methods and events.
/// </summary>
public sealed class ChannelHub(GameRooms rooms, RoomServices services) : Hub
{
    private const string MemberKey = "member";
    private const string RoomKey = "room";

    public override async Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        var player = JoinTokenAuthentication.PlayerOf(http);
        var member = new SignalRMember(Context, Clients.Caller, player, services.ConnectionLimiter(), services.Options.SendQueueLength);
        Context.Items[MemberKey] = member;
        try
        {
            // SignalR reads the client's first invocation once this returns, so pages sent here come before any answer.
            Context.Items[RoomKey] = await rooms.JoinAsync(member, AfterQuery.AfterOf(http));
        }
        catch
        {
            await member.DisposeAsync();
            throw;
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(MemberKey, out var item) && item is SignalRMember member)
        {
            if (Context.Items.TryGetValue(RoomKey, out var room) && room is GameRoom gameRoom)
            {
                await gameRoom.LeaveThenDisposeAsync(member, exception is null ? "closed" : "connection lost");
            }
            else
            {
                await member.DisposeAsync();
            }
        }
    }

    /// <summary>Appends a message to the game's log and relays it; returns its number.</summary>
    public Task<long> Send(JsonElement message) => Room.SendAsync(Member, SendRequests.Parse(message));

    /// <summary>A page of the messages after afterSeq; the last page makes the connection live.</summary>
    public Task<LogPage> Resume(JsonElement afterSeq) => Room.ResumeAsync(Member, ResumeRequests.AfterSeq(afterSeq));

    /// <summary>The host (seat 1) ends the game.</summary>
    public Task<long> EndGame() => Room.EndByPlayerAsync(Member);

    private SignalRMember Member => (SignalRMember)Context.Items[MemberKey]!;

    private GameRoom Room => (GameRoom)Context.Items[RoomKey]!;
}
