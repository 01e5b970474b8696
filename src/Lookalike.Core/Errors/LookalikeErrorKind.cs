namespace Lookalike.Core.Errors;

/// <summary>What went wrong, in domain terms. Each edge (CLI exit code, HTTP status) maps these in one switch.</summary>
public enum LookalikeErrorKind
{
    /// <summary>A caller-supplied argument or field is malformed (bad k, bad filter, bad id).</summary>
    InvalidArgument,
    /// <summary>An item, file or store that was asked for does not exist.</summary>
    NotFound,
    /// <summary>The bytes are not an image in a supported format (non-image, wrong content, unknown format).</summary>
    UnsupportedImage,
    /// <summary>The bytes look like a supported image but cannot be decoded (truncated, corrupt).</summary>
    CorruptImage,
    /// <summary>The image exceeds a configured limit (file size, pixel count): a possible decompression bomb.</summary>
    ImageTooLarge,
    /// <summary>Decoding the image did not finish within the time limit (a malformed or adversarial file, or an overloaded machine).</summary>
    DecodeTimeout,
    /// <summary>A model manifest or model file is missing or unusable.</summary>
    ModelUnavailable,
    /// <summary>The store was built with another model (or dimension) than the one asked for.</summary>
    ModelMismatch,
    /// <summary>The store is damaged or from an unknown (newer) schema.</summary>
    StoreCorrupt,
    /// <summary>The store cannot be written (read-only, locked by another writer, disk full).</summary>
    StoreUnavailable,
    /// <summary>Reading a file failed for a reason outside our control (permissions, I/O).</summary>
    IoFailure,
    /// <summary>The request needs a credential it did not carry, or carried a wrong one (HTTP: the API key).</summary>
    Unauthorized,
    /// <summary>The request is understood but refused for who sent it or from where (a cross-site or remote keyless write).</summary>
    Forbidden,
    /// <summary>The client sent more requests of this kind than its budget allows; retry later.</summary>
    RateLimited,
    /// <summary>The service is still starting (catalog, index or model loading); retry later.</summary>
    NotReady,
    /// <summary>The request names a host this server does not answer for (HTTP Host header; DNS rebinding).</summary>
    MisdirectedRequest,
    /// <summary>No such operation: a path with no endpoint, or a method the path does not accept.</summary>
    MethodNotAllowed,
    /// <summary>The request (body, target or headers) is larger than the server accepts; not an image limit.</summary>
    RequestTooLarge,
    /// <summary>The body is in a format the endpoint does not read (wrong Content-Type).</summary>
    UnsupportedMediaType,
    /// <summary>The request took longer than allowed (client too slow to send, or the server's request time limit).</summary>
    Timeout,
    /// <summary>A failure that is not the caller's: a bug or an unexpected exception. Details are logged, never sent.</summary>
    Internal,
}
