namespace Foundation.Storage.Files;

/// <summary>A thumbnail made on request of a stored image.</summary>
/// <param name="File">The image it was made of.</param>
/// <param name="ContentType">The thumbnail's type (the file's own; GIF gives PNG).</param>
/// <param name="Content">The encoded thumbnail.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
public sealed record StorageThumbnail(StoredFile File, string ContentType, ReadOnlyMemory<byte> Content, int Width, int Height);
