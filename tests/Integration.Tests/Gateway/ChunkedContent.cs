using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Integration.Tests.Gateway;

/// <summary>A JSON request body of unknown length, so HttpClient sends it with Transfer-Encoding: chunked (no Content-Length).</summary>
internal sealed class ChunkedContent : HttpContent
{
    private const int ChunkSize = 256;

    private readonly byte[] _body;

    public ChunkedContent(string json)
    {
        _body = Encoding.UTF8.GetBytes(json);
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _body.Length; offset += ChunkSize)
        {
            await stream.WriteAsync(_body.AsMemory(offset, Math.Min(ChunkSize, _body.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
