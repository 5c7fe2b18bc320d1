"""Video and audio tools on the FFmpeg binary of the imageio-ffmpeg wheel."""
