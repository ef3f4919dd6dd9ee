"""The seed-000 interactive images family: `/api/images…`, its AI calls and jobs, width variants,
embeds and the widget."""

from __future__ import annotations

from starlette.routing import Route

from . import ai, embed, files, images, pages

ROUTES = [
    Route("/api/images", images.list_images, methods=["GET"]),
    Route("/api/images", images.create_image, methods=["POST"]),
    Route("/api/images/embed-key/rotate", embed.rotate_embed_key, methods=["POST"]),
    Route("/api/images/ai/locate-image-spots", ai.locate_image_spots, methods=["POST"]),
    Route("/api/images/ai/suggest-concepts", ai.suggest_concepts, methods=["POST"]),
    Route("/api/images/ai/expand-concept", ai.expand_concept, methods=["POST"]),
    Route("/api/images/ai/generate-detailed-prompt", ai.generate_detailed_prompt, methods=["POST"]),
    Route("/api/images/ai/generate-image", ai.generate_image, methods=["POST"]),
    Route("/api/images/ai/process", ai.process, methods=["POST"]),
    Route("/api/articles/process", ai.process_article, methods=["POST"]),
    Route("/api/articles/process/{job_id}", ai.job_status, methods=["GET"]),
    Route("/api/images/{id}", images.get_image, methods=["GET"]),
    Route("/api/images/{id}", images.update_image, methods=["PUT"]),
    Route("/api/images/{id}", images.delete_image, methods=["DELETE"]),
    Route("/api/images/{id}/generate-hotspots", ai.generate_hotspots, methods=["POST"]),
    Route("/api/images/{id}/embed", embed.embed, methods=["GET"]),
    Route("/api/images/{id}/embed-data", embed.embed_data, methods=["GET"]),
    Route("/files/{name}", files.variant, methods=["GET"]),
    Route("/share/images/{unique_id}/card.png", files.card, methods=["GET"]),
    Route("/share/images/{unique_id}/og.png", pages.og_card, methods=["GET"]),
    Route("/share/images/{unique_id}", pages.share_page, methods=["GET"]),
    Route("/images/{unique_id}/embed", pages.embed_page, methods=["GET"]),
    Route("/embed/widget.js", pages.widget, methods=["GET"]),
]

__all__ = ["ROUTES"]
